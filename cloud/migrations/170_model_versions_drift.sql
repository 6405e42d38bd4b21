-- Models watched for drift (issue 29). Every observation and every correction
-- keeps the model versions that produced it ({"detector name": "version", …},
-- as the device reports them in its status), so accuracy can be told apart per
-- model version. Rows from before this migration keep NULL: "unknown version".
ALTER TABLE observations ADD COLUMN model_versions jsonb;
ALTER TABLE slot_corrections ADD COLUMN model_versions jsonb;

-- /vision/accuracy reads a venue's corrections over a range of days
CREATE INDEX slot_corrections_venue_time ON slot_corrections (org_id, venue_id, created_at);

-- the model_drift rule: a venue's count error over its threshold, or corrections piling up
ALTER TABLE alerts DROP CONSTRAINT alerts_rule_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_rule_check CHECK (rule IN ('low_stock', 'out_of_stock', 'forecast_stockout',
  'unexplained_loss', 'device_offline', 'camera_stale', 'outbox_backlog', 'model_drift'));
