-- AlterTable
ALTER TABLE "task_attempt" ADD COLUMN     "dag_hash" TEXT;

-- CreateTable
CREATE TABLE "dag_version" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT NOT NULL,
    "version_number" INTEGER NOT NULL,
    "serialized_hash" TEXT NOT NULL,
    "serialized" JSONB NOT NULL,
    "fileloc" TEXT NOT NULL,
    "source" TEXT,
    "source_hash" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dag_version_dag_id_serialized_hash_key" ON "dag_version"("dag_id", "serialized_hash");

-- CreateIndex
CREATE UNIQUE INDEX "dag_version_dag_id_version_number_key" ON "dag_version"("dag_id", "version_number");

-- AddForeignKey
ALTER TABLE "dag_version" ADD CONSTRAINT "dag_version_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- DAGs stored before versions existed: their current definition is version 1.
INSERT INTO "dag_version" ("dag_id", "version_number", "serialized_hash", "serialized", "fileloc", "source", "source_hash")
SELECT d."dag_id", 1, d."serialized_hash", d."serialized", d."fileloc", c."source", c."source_hash"
FROM "dag" d LEFT JOIN "dag_code" c ON c."fileloc" = d."fileloc";
