-- Whether the stored due date used days of a year whose holiday notice is not yet known
-- (judged by the weekend alone); lists mark such dates instead of stating them as certain.
ALTER TABLE requests ADD COLUMN due_assumed INTEGER NOT NULL DEFAULT 0;
