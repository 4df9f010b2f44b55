-- AlterTable
ALTER TABLE "dag" ADD COLUMN     "has_deadlines" BOOLEAN NOT NULL DEFAULT false;

-- DAGs stored before this column existed: read it off their serialized definitions.
UPDATE "dag" SET "has_deadlines" = (
  jsonb_array_length(COALESCE("serialized"->'deadlines', '[]'::jsonb)) > 0
  OR EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE("serialized"->'tasks', '[]'::jsonb)) t
             WHERE t->'deadline' IS NOT NULL AND t->'deadline' <> 'null'::jsonb));
