-- Courses as sold by teachers: a cover picture and an ordered list of video
-- lessons. The lesson links are shown only to enrolled students and the
-- course's teacher; everyone may see the titles.
ALTER TABLE courses ADD COLUMN cover_image_url TEXT NULL;

CREATE TABLE course_lessons (
    id          TEXT    NOT NULL PRIMARY KEY,
    -- Lessons are part of the course: they go with it.
    course_id   TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    -- 1-based display order; saving a course rewrites its lessons.
    position    BIGINT  NOT NULL,
    title       TEXT    NOT NULL,
    video_url   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    CONSTRAINT course_lessons_course_position_key UNIQUE (course_id, position),
    CONSTRAINT course_lessons_position_positive CHECK (position >= 1)
);

-- The UNIQUE (course_id, position) index serves "the lessons of these
-- courses, in order" and the foreign key; no second index is needed.

-- At most one open (unpaid) order per student and course: two concurrent
-- checkouts cannot create two PaymentIntents for one course (the second
-- insert fails and the checkout continues with the first order). It also
-- finds that order for "asking again returns the same order".
CREATE UNIQUE INDEX orders_one_open_course_order ON orders (user_id, course_id)
    WHERE course_id IS NOT NULL AND status IN ('pending', 'failed');
