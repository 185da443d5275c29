-- The live room of a session (Zoom, Meet, Jitsi …): an https address that
-- only its teacher sees; students reach it through their personal join link.
ALTER TABLE sessions ADD COLUMN room_url TEXT NULL;
