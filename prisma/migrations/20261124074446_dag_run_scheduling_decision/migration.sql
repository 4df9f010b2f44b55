-- AlterTable
ALTER TABLE "dag_run" ADD COLUMN     "last_scheduling_decision" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "dag_run_state_last_scheduling_decision_idx" ON "dag_run"("state", "last_scheduling_decision");
