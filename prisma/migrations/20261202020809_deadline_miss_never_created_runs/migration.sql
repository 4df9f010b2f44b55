-- DropIndex
DROP INDEX "deadline_miss_dag_run_id_deadline_id_task_id_key";

-- AlterTable: misses recorded before this migration take their run's id and logical date.
ALTER TABLE "deadline_miss" ADD COLUMN     "logical_date" TIMESTAMP(3),
ADD COLUMN     "run_id" TEXT,
ALTER COLUMN "dag_run_id" DROP NOT NULL;

UPDATE "deadline_miss" m SET "run_id" = r."run_id", "logical_date" = r."logical_date"
FROM "dag_run" r WHERE r."id" = m."dag_run_id";

ALTER TABLE "deadline_miss" ALTER COLUMN "logical_date" SET NOT NULL,
ALTER COLUMN "run_id" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "deadline_miss_dag_id_run_id_deadline_id_task_id_key" ON "deadline_miss"("dag_id", "run_id", "deadline_id", "task_id");
