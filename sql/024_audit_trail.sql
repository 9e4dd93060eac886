-- The audit trail (issue 15): who did what to what, for Settings > Audit
-- log, its exports and the partner feed's audit document.
--
-- An entry's actor is an office user, a portal user, an API key or the
-- system (actor_kind; actor_user_id is then that user's or key's id, NULL
-- when unknown: a failed sign-in names an address, not an account), and
-- its target a kind and id the page links to (target_kind, target_id;
-- target stays the name shown).  category is the action's first part
-- ("portal_user" of "portal_user.update"), for the filter by kind of
-- action.
--
-- The list is newest first by (created_at, id): each filter has an index
-- that ends in created_at (and the primary key InnoDB appends; the
-- unfiltered list's is audit_tenant_time of sql/001), so a page
-- of any one filter, with or without a date range, is one index range read
-- from its start, however many entries the tenant has.

ALTER TABLE audit_log
  ADD COLUMN actor_kind ENUM('office','portal','key','system') NOT NULL DEFAULT 'office'
    AFTER tenant_id,
  ADD COLUMN target_kind VARCHAR(24) NOT NULL DEFAULT '' AFTER action,
  ADD COLUMN target_id INT UNSIGNED NULL AFTER target_kind,
  ADD COLUMN category VARCHAR(64) AS (SUBSTRING_INDEX(action, '.', 1)) STORED,
  ADD KEY audit_action (tenant_id, action, created_at),
  ADD KEY audit_category (tenant_id, category, created_at),
  ADD KEY audit_actor (tenant_id, actor_email, created_at),
  ADD KEY audit_target (tenant_id, target, created_at);

-- Entries written before the kinds: the system's had no actor; those of
-- portal users were written by their portal pages' actions.
UPDATE audit_log SET actor_kind = 'system'
 WHERE actor_user_id IS NULL AND actor_email IN ('', 'gatehouse-ctl');
UPDATE audit_log SET actor_kind = 'portal'
 WHERE actor_user_id IS NULL AND actor_kind = 'office'
   AND (action LIKE 'portal.%' OR action IN ('portal_user.change_password',
        'portal_user.reset_requested', 'portal_user.request_link', 'portal_user.set_password',
        'portal_user.reset_password', 'portal_user.mfa_enabled')
        OR action LIKE 'portal_user.colleague_%');

-- The partner feed's audit document pages by id within the tenant; a
-- request id (shown on error pages and in the logs) finds its entries.
ALTER TABLE audit_log ADD KEY audit_feed (tenant_id, id), ADD KEY audit_request (request_id);
