-- Many bar groups on one cloud: an organisation can be suspended by an operator and
-- scheduled for deletion by its owner (with a grace period a repeat job honours).
ALTER TABLE organisations ADD COLUMN suspended_at timestamptz;
ALTER TABLE organisations ADD COLUMN suspended_reason text CHECK (length(suspended_reason) <= 500);
ALTER TABLE organisations ADD COLUMN deletion_due_at timestamptz;
CREATE INDEX organisations_deletion_due ON organisations (deletion_due_at) WHERE deletion_due_at IS NOT NULL;

-- An invitation by link: only the SHA-256 of its token is kept; accepting once marks it used.
CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'bartender', 'technician')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
CREATE INDEX invitations_org ON invitations (org_id, created_at DESC);

-- An organisation's export of all its data, made by a job; kept until downloaded or replaced.
CREATE TABLE org_exports (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
  json text,
  csv text,
  tables integer,
  rows integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (org_id, id)
);

-- Sign-in with a company account: one OpenID Connect issuer per organisation. The client
-- secret is sealed (AES-256-GCM); e-mails of the allowed domains join with default_role.
CREATE TABLE oidc_issuers (
  org_id uuid PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
  issuer text NOT NULL CHECK (length(issuer) BETWEEN 8 AND 500),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
  client_secret_sealed text NOT NULL,
  allowed_domains text[] NOT NULL DEFAULT '{}',
  default_role text NOT NULL DEFAULT 'bartender' CHECK (default_role IN ('manager', 'bartender', 'technician')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One sign-in in flight: the state (hashed), its PKCE verifier and nonce, used once by the callback.
CREATE TABLE oidc_logins (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  state_hash text NOT NULL UNIQUE,
  code_verifier text NOT NULL,
  nonce text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at);
