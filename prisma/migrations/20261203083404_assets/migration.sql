-- AlterEnum
ALTER TYPE "RunType" ADD VALUE 'asset_triggered';

-- DropIndex
DROP INDEX "dag_run_dag_id_logical_date_run_type_key";

-- CreateTable
CREATE TABLE "asset" (
    "id" SERIAL NOT NULL,
    "uri" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "group" TEXT NOT NULL DEFAULT 'asset',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "asset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_event" (
    "id" SERIAL NOT NULL,
    "asset_id" INTEGER NOT NULL,
    "extra" JSONB NOT NULL DEFAULT '{}',
    "source_task_instance_id" INTEGER,
    "source_dag_id" TEXT,
    "source_run_id" TEXT,
    "source_task_id" TEXT,
    "source_map_index" INTEGER,
    "timestamp" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dag_schedule_asset" (
    "dag_id" TEXT NOT NULL,
    "asset_id" INTEGER NOT NULL,
    "consumed_event_id" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "dag_schedule_asset_pkey" PRIMARY KEY ("dag_id","asset_id")
);

-- CreateTable
CREATE TABLE "dag_run_asset_event" (
    "dag_run_id" INTEGER NOT NULL,
    "asset_event_id" INTEGER NOT NULL,

    CONSTRAINT "dag_run_asset_event_pkey" PRIMARY KEY ("dag_run_id","asset_event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "asset_uri_key" ON "asset"("uri");

-- CreateIndex
CREATE INDEX "asset_event_asset_id_id_idx" ON "asset_event"("asset_id", "id");

-- CreateIndex
CREATE INDEX "dag_schedule_asset_asset_id_idx" ON "dag_schedule_asset"("asset_id");

-- CreateIndex
CREATE INDEX "dag_run_asset_event_asset_event_id_idx" ON "dag_run_asset_event"("asset_event_id");

-- AddForeignKey
ALTER TABLE "asset_event" ADD CONSTRAINT "asset_event_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_schedule_asset" ADD CONSTRAINT "dag_schedule_asset_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_schedule_asset" ADD CONSTRAINT "dag_schedule_asset_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run_asset_event" ADD CONSTRAINT "dag_run_asset_event_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run_asset_event" ADD CONSTRAINT "dag_run_asset_event_asset_event_id_fkey" FOREIGN KEY ("asset_event_id") REFERENCES "asset_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
