-- PostgreSQL's copy of migration 0019: Simplified Chinese names for places, policies and routes.
ALTER TABLE locations ADD COLUMN name_zh TEXT CHECK (name_zh IS NULL OR length(name_zh) BETWEEN 1 AND 100);
ALTER TABLE policies ADD COLUMN name_zh TEXT CHECK (name_zh IS NULL OR length(name_zh) BETWEEN 1 AND 100);
ALTER TABLE routes ADD COLUMN name_zh TEXT CHECK (name_zh IS NULL OR length(name_zh) BETWEEN 1 AND 100);
