-- The landing page walks future slots in start order ("what is on next")
-- and stops after a window; this index makes that walk a range scan.
CREATE INDEX session_slots_start_at_idx ON session_slots (start_at);
