-- The audit page reads an organisation's newest rows by id (ORDER BY id DESC, and `before` an id for the
-- next page). With only (org_id, at), PostgreSQL either walks the whole log's primary key backwards,
-- dropping every other organisation's rows on the way (441 dropped for a page of 50 when the
-- organisation holds a tenth of a 400,000-row log), or reads all of the organisation's rows and sorts
-- them (a 0.1 % share: all 200 read for 50). With (org_id, id) a page reads its 50 rows in either case.
CREATE INDEX audit_log_org_id ON audit_log (org_id, id);
