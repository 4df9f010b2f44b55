-- CreateTable
CREATE TABLE "event_schema_subject" (
    "event_type" TEXT NOT NULL,
    "compatibility" TEXT NOT NULL DEFAULT 'BACKWARD',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_schema_subject_pkey" PRIMARY KEY ("event_type")
);

-- CreateTable
CREATE TABLE "event_schema_version" (
    "id" SERIAL NOT NULL,
    "event_type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "schema" JSONB NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "event_schema_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "event_schema_version_event_type_fingerprint_idx" ON "event_schema_version"("event_type", "fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "event_schema_version_event_type_version_key" ON "event_schema_version"("event_type", "version");

-- AddForeignKey
ALTER TABLE "event_schema_version" ADD CONSTRAINT "event_schema_version_event_type_fkey" FOREIGN KEY ("event_type") REFERENCES "event_schema_subject"("event_type") ON DELETE CASCADE ON UPDATE CASCADE;
