-- Drift thresholds per venue (issue 29): the model_drift rule's settings come from the config
-- (alerts.rules.modelDrift) for every venue; a venue may override any of them (a busy club
-- corrects more, a wine bar's shelves are harder). NULL: the config's value.
CREATE TABLE venue_drift_thresholds (
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  window_days integer CHECK (window_days BETWEEN 1 AND 90),
  count_error_above numeric CHECK (count_error_above >= 0 AND count_error_above <= 1000),
  min_judged integer CHECK (min_judged BETWEEN 1 AND 100000),
  corrections_at_least integer CHECK (corrections_at_least BETWEEN 1 AND 100000),
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, venue_id),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);
