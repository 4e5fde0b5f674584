-- rtopacks-db: the live (not withdrawn) CRICOS rows, as covering partial indexes.
--
-- The corpus-at-a-glance figures (catalogue::stats, the site's home page) count CRICOS
-- providers and courses as they stand, not as of tga-sync's weekly snapshot (CRICOS refreshes
-- on its own monthly cycle). deleted_at is in each index so the count reads index entries
-- only, never the wide rows. The courses' index also serves an RTO's live courses by provider
-- in course-code order (catalogue::rto_cricos_courses) without a sort.
CREATE INDEX cricos_courses_live ON cricos_courses (provider_code, course_code, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX cricos_institutions_live ON cricos_institutions (deleted_at) WHERE deleted_at IS NULL;
