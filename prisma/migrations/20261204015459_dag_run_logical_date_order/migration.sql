-- CreateIndex
CREATE INDEX "dag_run_logical_date_id_idx" ON "dag_run"("logical_date" DESC, "id" DESC);
