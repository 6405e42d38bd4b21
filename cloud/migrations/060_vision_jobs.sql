-- Shelf photos sent for analysis (POST /vision/analyze-shelf). The job row lives in
-- the database, not in the instance's memory, so any instance behind the load
-- balancer can answer its status. The photo itself is not kept.
CREATE TABLE vision_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  user_id uuid,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  slots jsonb NOT NULL,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX vision_jobs_org ON vision_jobs (org_id, created_at DESC);
