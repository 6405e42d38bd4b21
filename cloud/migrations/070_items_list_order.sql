-- The item list pages by (lower(name), id) over the live items of one organisation:
-- with id in the index and archived items left out, a page is one index range scan,
-- with no sort, however many items the organisation has.
CREATE INDEX items_org_live_name_id ON items (org_id, lower(name), id) WHERE NOT archived;
