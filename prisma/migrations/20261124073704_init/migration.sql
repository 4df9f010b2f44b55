-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RunType" AS ENUM ('scheduled', 'manual', 'backfill');

-- CreateEnum
CREATE TYPE "DagRunState" AS ENUM ('queued', 'running', 'success', 'failed');

-- CreateEnum
CREATE TYPE "TaskInstanceState" AS ENUM ('none', 'scheduled', 'queued', 'running', 'success', 'failed', 'skipped', 'upstream_failed', 'up_for_retry', 'up_for_reschedule', 'removed');

-- CreateEnum
CREATE TYPE "AttemptOutcome" AS ENUM ('success', 'failed', 'skipped', 'up_for_retry', 'up_for_reschedule', 'timed_out', 'lost', 'cancelled');

-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('task_failed', 'run_failed', 'deadline_missed', 'sensor_timed_out', 'data_quality_failed', 'volume_drop', 'freshness');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('info', 'warning', 'critical');

-- CreateEnum
CREATE TYPE "AlertState" AS ENUM ('open', 'acknowledged', 'resolved');

-- CreateEnum
CREATE TYPE "AlertChannel" AS ENUM ('slack', 'pagerduty', 'email');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'sent', 'failed');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'operator', 'admin');

-- CreateEnum
CREATE TYPE "BackfillReprocess" AS ENUM ('none', 'failed', 'completed');

-- CreateTable
CREATE TABLE "dag" (
    "dag_id" TEXT NOT NULL,
    "fileloc" TEXT NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "is_paused" BOOLEAN NOT NULL DEFAULT false,
    "schedule" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "description" TEXT,
    "owner" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "max_active_runs" INTEGER NOT NULL DEFAULT 16,
    "max_active_tasks" INTEGER NOT NULL DEFAULT 16,
    "serialized" JSONB NOT NULL,
    "serialized_hash" TEXT NOT NULL,
    "last_parsed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "next_dagrun_logical_date" TIMESTAMP(3),
    "next_dagrun_create_after" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dag_pkey" PRIMARY KEY ("dag_id")
);

-- CreateTable
CREATE TABLE "dag_code" (
    "fileloc" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "source_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dag_code_pkey" PRIMARY KEY ("fileloc")
);

-- CreateTable
CREATE TABLE "import_error" (
    "id" SERIAL NOT NULL,
    "fileloc" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "stack_trace" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_error_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dag_run" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "run_type" "RunType" NOT NULL,
    "logical_date" TIMESTAMP(3) NOT NULL,
    "data_interval_start" TIMESTAMP(3),
    "data_interval_end" TIMESTAMP(3),
    "conf" JSONB NOT NULL DEFAULT '{}',
    "state" "DagRunState" NOT NULL DEFAULT 'queued',
    "dag_hash" TEXT,
    "backfill_id" INTEGER,
    "triggered_by" TEXT,
    "queued_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dag_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_instance" (
    "id" SERIAL NOT NULL,
    "dag_run_id" INTEGER NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "map_index" INTEGER NOT NULL DEFAULT -1,
    "state" "TaskInstanceState" NOT NULL DEFAULT 'none',
    "try_number" INTEGER NOT NULL DEFAULT 0,
    "max_tries" INTEGER NOT NULL DEFAULT 1,
    "pool" TEXT NOT NULL DEFAULT 'default',
    "pool_slots" INTEGER NOT NULL DEFAULT 1,
    "queue" TEXT NOT NULL DEFAULT 'default',
    "priority_weight" INTEGER NOT NULL DEFAULT 1,
    "queued_at" TIMESTAMP(3),
    "started_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),
    "duration" DOUBLE PRECISION,
    "hostname" TEXT,
    "pid" INTEGER,
    "last_heartbeat_at" TIMESTAMP(3),
    "next_retry_at" TIMESTAMP(3),
    "reschedule_at" TIMESTAMP(3),
    "first_poke_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "task_instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_attempt" (
    "id" SERIAL NOT NULL,
    "task_instance_id" INTEGER NOT NULL,
    "try_number" INTEGER NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMP(3),
    "outcome" "AttemptOutcome",
    "error" TEXT,
    "error_stack" TEXT,
    "hostname" TEXT,
    "pid" INTEGER,

    CONSTRAINT "task_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_log" (
    "id" BIGSERIAL NOT NULL,
    "task_instance_id" INTEGER NOT NULL,
    "try_number" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "task_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "xcom" (
    "id" SERIAL NOT NULL,
    "task_instance_id" INTEGER NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "map_index" INTEGER NOT NULL DEFAULT -1,
    "key" TEXT NOT NULL DEFAULT 'return_value',
    "value" JSONB,
    "object_key" TEXT,
    "size_bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "xcom_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool" (
    "name" TEXT NOT NULL,
    "slots" INTEGER NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "pool_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "backfill" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT NOT NULL,
    "from_date" TIMESTAMP(3) NOT NULL,
    "to_date" TIMESTAMP(3) NOT NULL,
    "reprocess" "BackfillReprocess" NOT NULL DEFAULT 'none',
    "max_active_runs" INTEGER NOT NULL DEFAULT 10,
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),
    "cancelled_at" TIMESTAMP(3),

    CONSTRAINT "backfill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deadline_miss" (
    "id" SERIAL NOT NULL,
    "dag_run_id" INTEGER NOT NULL,
    "dag_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL DEFAULT '',
    "deadline_id" TEXT NOT NULL,
    "deadline_at" TIMESTAMP(3) NOT NULL,
    "detected_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deadline_miss_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" SERIAL NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "state" "AlertState" NOT NULL DEFAULT 'open',
    "title" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "dag_id" TEXT,
    "run_id" TEXT,
    "task_id" TEXT,
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "first_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMP(3),
    "acknowledged_by" TEXT,
    "resolved_at" TIMESTAMP(3),

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_delivery" (
    "id" SERIAL NOT NULL,
    "alert_id" INTEGER NOT NULL,
    "channel" "AlertChannel" NOT NULL,
    "event" TEXT NOT NULL DEFAULT 'trigger',
    "target" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "sent_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "email" TEXT,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMP(3),

    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "expires_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "dag_id" TEXT,
    "run_id" TEXT,
    "task_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dag_is_active_is_paused_next_dagrun_create_after_idx" ON "dag"("is_active", "is_paused", "next_dagrun_create_after");

-- CreateIndex
CREATE INDEX "dag_fileloc_idx" ON "dag"("fileloc");

-- CreateIndex
CREATE UNIQUE INDEX "import_error_fileloc_key" ON "import_error"("fileloc");

-- CreateIndex
CREATE INDEX "dag_run_dag_id_logical_date_idx" ON "dag_run"("dag_id", "logical_date" DESC);

-- CreateIndex
CREATE INDEX "dag_run_state_dag_id_idx" ON "dag_run"("state", "dag_id");

-- CreateIndex
CREATE UNIQUE INDEX "dag_run_dag_id_run_id_key" ON "dag_run"("dag_id", "run_id");

-- CreateIndex
CREATE UNIQUE INDEX "dag_run_dag_id_logical_date_run_type_key" ON "dag_run"("dag_id", "logical_date", "run_type");

-- CreateIndex
CREATE INDEX "task_instance_dag_run_id_state_idx" ON "task_instance"("dag_run_id", "state");

-- CreateIndex
CREATE INDEX "task_instance_state_pool_priority_weight_idx" ON "task_instance"("state", "pool", "priority_weight" DESC);

-- CreateIndex
CREATE INDEX "task_instance_state_next_retry_at_idx" ON "task_instance"("state", "next_retry_at");

-- CreateIndex
CREATE UNIQUE INDEX "task_instance_dag_id_run_id_task_id_map_index_key" ON "task_instance"("dag_id", "run_id", "task_id", "map_index");

-- CreateIndex
CREATE UNIQUE INDEX "task_attempt_task_instance_id_try_number_key" ON "task_attempt"("task_instance_id", "try_number");

-- CreateIndex
CREATE INDEX "task_log_task_instance_id_try_number_id_idx" ON "task_log"("task_instance_id", "try_number", "id");

-- CreateIndex
CREATE UNIQUE INDEX "xcom_dag_id_run_id_task_id_map_index_key_key" ON "xcom"("dag_id", "run_id", "task_id", "map_index", "key");

-- CreateIndex
CREATE INDEX "backfill_dag_id_created_at_idx" ON "backfill"("dag_id", "created_at");

-- CreateIndex
CREATE INDEX "deadline_miss_dag_id_detected_at_idx" ON "deadline_miss"("dag_id", "detected_at");

-- CreateIndex
CREATE UNIQUE INDEX "deadline_miss_dag_run_id_deadline_id_task_id_key" ON "deadline_miss"("dag_run_id", "deadline_id", "task_id");

-- CreateIndex
CREATE INDEX "alert_state_last_seen_at_idx" ON "alert"("state", "last_seen_at" DESC);

-- CreateIndex
CREATE INDEX "alert_dedup_key_state_idx" ON "alert"("dedup_key", "state");

-- CreateIndex
CREATE INDEX "alert_dag_id_first_seen_at_idx" ON "alert"("dag_id", "first_seen_at");

-- CreateIndex
CREATE INDEX "alert_delivery_status_created_at_idx" ON "alert_delivery"("status", "created_at");

-- CreateIndex
CREATE INDEX "alert_delivery_alert_id_idx" ON "alert_delivery"("alert_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_username_key" ON "user"("username");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

-- CreateIndex
CREATE INDEX "api_token_user_id_idx" ON "api_token"("user_id");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at" DESC);

-- CreateIndex
CREATE INDEX "audit_log_dag_id_at_idx" ON "audit_log"("dag_id", "at");

-- AddForeignKey
ALTER TABLE "dag_run" ADD CONSTRAINT "dag_run_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run" ADD CONSTRAINT "dag_run_backfill_id_fkey" FOREIGN KEY ("backfill_id") REFERENCES "backfill"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_instance" ADD CONSTRAINT "task_instance_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_attempt" ADD CONSTRAINT "task_attempt_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_log" ADD CONSTRAINT "task_log_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "xcom" ADD CONSTRAINT "xcom_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backfill" ADD CONSTRAINT "backfill_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deadline_miss" ADD CONSTRAINT "deadline_miss_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Seed: Airflow's default pool. Tasks that name no pool use it.
INSERT INTO "pool" ("name", "slots", "description", "updated_at") VALUES ('default', 128, 'Default pool', CURRENT_TIMESTAMP);
