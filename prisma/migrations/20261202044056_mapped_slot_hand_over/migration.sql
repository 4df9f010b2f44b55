-- DropIndex
DROP INDEX "task_instance_dag_run_id_state_idx";

-- CreateIndex
CREATE INDEX "task_instance_dag_run_id_state_task_id_idx" ON "task_instance"("dag_run_id", "state", "task_id");
