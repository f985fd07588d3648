// SQL the dashboard's adapters share: plain SQL that reads the same on SQLite and PostgreSQL.

/** Inactive hooks and hooks whose latest delivery failed, with their owner's (or App's) name (same SQL on both engines). */
export const ALERTS_SQL = `
  SELECT h.id AS "hookId", h.owner_type AS "ownerType",
         CASE WHEN h.owner_type = 'repository' THEN ra.login || '/' || r.name
              WHEN h.owner_type = 'integration' THEN ap.name ELSE oa.login END AS "ownerName",
         h.url, h.active, h.last_code AS "lastCode", h.last_status AS "lastStatus"
  FROM hooks h
  LEFT JOIN repositories r ON h.owner_type = 'repository' AND r.id = h.owner_id
  LEFT JOIN accounts ra ON ra.id = r.owner_id
  LEFT JOIN accounts oa ON h.owner_type = 'organization' AND oa.id = h.owner_id
  LEFT JOIN apps ap ON h.owner_type = 'integration' AND ap.id = h.owner_id
  WHERE NOT h.active OR h.last_status = 'failed'
  ORDER BY h.id`;
