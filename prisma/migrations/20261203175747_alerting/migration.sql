-- Nothing wrote alert_delivery before this migration; its new NOT NULL columns need it empty.
DELETE FROM "alert_delivery";

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AlertKind" ADD VALUE 'retrying';
ALTER TYPE "AlertKind" ADD VALUE 'import_error';
ALTER TYPE "AlertKind" ADD VALUE 'unhealthy';

-- AlterEnum
ALTER TYPE "AlertSeverity" ADD VALUE 'error';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "DagWarningKind" ADD VALUE 'unknown_alert_route';
ALTER TYPE "DagWarningKind" ADD VALUE 'unknown_alert_channel';

-- DropForeignKey
ALTER TABLE "alert_delivery" DROP CONSTRAINT "alert_delivery_alert_id_fkey";

-- DropIndex
DROP INDEX "alert_delivery_alert_id_idx";

-- DropIndex
DROP INDEX "alert_delivery_status_created_at_idx";

-- AlterTable
ALTER TABLE "alert" ADD COLUMN     "flapping" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "group_id" INTEGER,
ADD COLUMN     "map_index" INTEGER,
ADD COLUMN     "notified_at" TIMESTAMP(3),
ADD COLUMN     "open_key" TEXT,
ADD COLUMN     "opened_run_id" TEXT,
ADD COLUMN     "parent_id" INTEGER,
ADD COLUMN     "resolved_by" TEXT,
ADD COLUMN     "silence_id" INTEGER,
ADD COLUMN     "try_number" INTEGER;

-- AlterTable
ALTER TABLE "alert_delivery" DROP COLUMN "alert_id",
ADD COLUMN     "attempt_log" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "channel_type" TEXT NOT NULL,
ADD COLUMN     "dedup_key" TEXT,
ADD COLUMN     "email_message_id" TEXT,
ADD COLUMN     "enqueued_at" TIMESTAMP(3),
ADD COLUMN     "group_id" INTEGER NOT NULL,
ADD COLUMN     "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "response" TEXT,
ADD COLUMN     "slack_channel" TEXT,
ADD COLUMN     "slack_ts" TEXT,
DROP COLUMN "channel",
ADD COLUMN     "channel" TEXT NOT NULL,
ALTER COLUMN "event" DROP DEFAULT;

-- DropEnum
DROP TYPE "AlertChannel";

-- CreateTable
CREATE TABLE "alert_group" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT,
    "run_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_notified_at" TIMESTAMP(3) NOT NULL,
    "acknowledged_at" TIMESTAMP(3),
    "resolved_at" TIMESTAMP(3),

    CONSTRAINT "alert_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_silence" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT NOT NULL,
    "task_id" TEXT,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_silence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "component_heartbeat" (
    "id" SERIAL NOT NULL,
    "component" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,
    "stopped_at" TIMESTAMP(3),
    "queues" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "component_heartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_group_resolved_at_idx" ON "alert_group"("resolved_at");

-- CreateIndex
CREATE INDEX "alert_silence_ends_at_idx" ON "alert_silence"("ends_at");

-- CreateIndex
CREATE INDEX "component_heartbeat_component_last_seen_at_idx" ON "component_heartbeat"("component", "last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "component_heartbeat_component_host_pid_started_at_key" ON "component_heartbeat"("component", "host", "pid", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_open_key_key" ON "alert"("open_key");

-- CreateIndex
CREATE INDEX "alert_group_id_idx" ON "alert"("group_id");

-- CreateIndex
CREATE INDEX "alert_delivery_status_next_attempt_at_idx" ON "alert_delivery"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_delivery_group_id_channel_idx" ON "alert_delivery"("group_id", "channel");

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "alert_group"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "alert_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Open incidents from before (deadline misses) keep deduplicating: one per dedup key.
UPDATE "alert" a SET "open_key" = a."dedup_key"
WHERE a."state" <> 'resolved'
  AND a."id" = (SELECT MAX(b."id") FROM "alert" b WHERE b."dedup_key" = a."dedup_key" AND b."state" <> 'resolved');
