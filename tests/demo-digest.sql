-- One line per demo tenant (demo, acme): its slug and an MD5 of every row
-- `gatehouse-ctl demo` made or a visitor of the demo could change through
-- the settings pages: the tenant, its office users and their permissions,
-- calendars and vehicles, customers, contacts, sites, portal groups, portal
-- users and their sites, records.  Left out: what signing in and out
-- changes (sessions, last sign-in, throttles and their locks, MFA steps),
-- and the logs (audit, mail).  Tests compare it before and after: no test
-- may leave the demo changed (tests/run, tests/browser/run.sh, test_http).
SELECT t.slug, MD5(CONCAT_WS('#',
  CONCAT_WS('|', t.company_name, t.street, t.city, t.state, t.zip, t.country,
            t.portal_enabled, t.frame_origins, t.time_zone),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', u.email, u.password_hash, u.role, u.first_name,
            u.last_name, u.phone, u.active, u.street, u.city, u.state, u.zip, u.country,
            u.default_screen, u.all_vehicles, u.notifications, u.mail_provider, u.smtp_host,
            u.smtp_port, u.smtp_security, u.smtp_user, u.mfa_required, u.mfa_secret IS NULL,
            u.time_zone) ORDER BY u.email SEPARATOR ';')
     FROM office_users u WHERE u.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', u.email, p.module, p.level)
            ORDER BY u.email, p.module SEPARATOR ';')
     FROM office_user_perms p JOIN office_users u ON u.id = p.user_id WHERE u.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', u.email, c.name) ORDER BY u.email, c.name SEPARATOR ';')
     FROM office_user_calendars uc JOIN office_users u ON u.id = uc.user_id
     JOIN calendars c ON c.id = uc.calendar_id WHERE u.tenant_id = t.id),
  (SELECT GROUP_CONCAT(c.name ORDER BY c.name SEPARATOR ';') FROM calendars c
     WHERE c.tenant_id = t.id),
  (SELECT GROUP_CONCAT(v.name ORDER BY v.name SEPARATOR ';') FROM vehicles v
     WHERE v.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', c.name, c.primary_email, c.phone, c.street, c.city,
            c.state, c.zip, c.portal_token_hash IS NULL) ORDER BY c.name SEPARATOR ';')
     FROM customers c WHERE c.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', c.name, k.name, k.email, k.phone, k.portal_user_id IS NULL)
            ORDER BY c.name, k.name SEPARATOR ';')
     FROM customer_contacts k JOIN customers c ON c.id = k.customer_id WHERE k.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', c.name, s.name, s.address, m.name)
            ORDER BY c.name, s.name SEPARATOR ';')
     FROM sites s JOIN customers c ON c.id = s.customer_id LEFT JOIN sites m ON m.id = s.parent_id
     WHERE s.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', g.name, g.is_system, g.is_default, g.require_mfa, g.perms)
            ORDER BY g.name SEPARATOR ';')
     FROM portal_groups g WHERE g.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', p.email, c.name, p.company_name, p.password_hash,
            p.status, p.invite_state, g.name, p.email_reports, p.all_sites, p.mfa_required,
            p.mfa_secret IS NULL, p.time_zone) ORDER BY p.email SEPARATOR ';')
     FROM portal_users p JOIN customers c ON c.id = p.customer_id
     LEFT JOIN portal_groups g ON g.id = p.group_id WHERE p.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', p.email, s.name) ORDER BY p.email, s.name SEPARATOR ';')
     FROM portal_user_sites ps JOIN portal_users p ON p.id = ps.portal_user_id
     JOIN sites s ON s.id = ps.site_id WHERE p.tenant_id = t.id),
  (SELECT GROUP_CONCAT(CONCAT_WS('|', c.name, r.kind, r.ref, r.title, r.detail, r.amount_cents,
            r.status, r.public, s.name) ORDER BY c.name, r.ref SEPARATOR ';')
     FROM customer_records r JOIN customers c ON c.id = r.customer_id
     LEFT JOIN sites s ON s.id = r.site_id WHERE r.tenant_id = t.id)
)) FROM tenants t WHERE t.slug IN ('demo', 'acme') ORDER BY t.slug;
