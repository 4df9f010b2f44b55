-- CreateIndex
CREATE INDEX "dag_run_ended_at_idx" ON "dag_run"("ended_at");
