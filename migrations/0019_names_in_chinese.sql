-- Names in Simplified Chinese (`nameZh` in the reference file) for places, routes and policies, drawn on
-- the pages and printed in the tables when a reader asks for `--lang zh-CN` (docs/pages.md).
-- Optional: one without is shown by its English name. A database made before this migration gets
-- the names when the shipped reference data is loaded again (`corridor reference load`).
ALTER TABLE locations ADD COLUMN name_zh TEXT CHECK (name_zh IS NULL OR length(name_zh) BETWEEN 1 AND 100);
ALTER TABLE policies ADD COLUMN name_zh TEXT CHECK (name_zh IS NULL OR length(name_zh) BETWEEN 1 AND 100);
ALTER TABLE routes ADD COLUMN name_zh TEXT CHECK (name_zh IS NULL OR length(name_zh) BETWEEN 1 AND 100);
