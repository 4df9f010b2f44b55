-- CreateEnum
CREATE TYPE "BackfillState" AS ENUM ('running', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "DagWarningKind" AS ENUM ('nonexistent_pool');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AttemptOutcome" ADD VALUE 'marked_success';
ALTER TYPE "AttemptOutcome" ADD VALUE 'marked_failed';
ALTER TYPE "AttemptOutcome" ADD VALUE 'marked_skipped';

-- AlterTable
ALTER TABLE "backfill" ADD COLUMN     "state" "BackfillState" NOT NULL DEFAULT 'running';

-- CreateTable
CREATE TABLE "dag_warning" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT NOT NULL,
    "kind" "DagWarningKind" NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_warning_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dag_warning_dag_id_kind_message_key" ON "dag_warning"("dag_id", "kind", "message");

-- CreateIndex
CREATE INDEX "backfill_state_idx" ON "backfill"("state");

-- AddForeignKey
ALTER TABLE "dag_warning" ADD CONSTRAINT "dag_warning_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing backfills take the state their history shows (hand-written).
UPDATE "backfill" SET "state" = 'cancelled' WHERE "cancelled_at" IS NOT NULL;
UPDATE "backfill" b SET "state" = 'completed', "completed_at" = COALESCE(
    (SELECT max(r."ended_at") FROM "dag_run" r WHERE r."backfill_id" = b."id"), b."created_at")
WHERE b."state" = 'running'
  AND NOT EXISTS (SELECT 1 FROM "dag_run" r WHERE r."backfill_id" = b."id" AND r."state" IN ('queued', 'running'));
