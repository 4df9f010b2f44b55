-- CreateIndex
CREATE INDEX "deadline_miss_dag_run_id_idx" ON "deadline_miss"("dag_run_id");
