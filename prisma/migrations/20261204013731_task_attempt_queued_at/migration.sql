-- AlterTable
ALTER TABLE "task_attempt" ADD COLUMN     "queued_at" TIMESTAMP(3);
