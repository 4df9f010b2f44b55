-- DropIndex
DROP INDEX "task_instance_state_next_retry_at_idx";
