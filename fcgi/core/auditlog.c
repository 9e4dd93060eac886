/* The audit log's entries as XML and as CSV (auditlog.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auditlog.h"
#include "csv.h"
#include "xml.h"

int auditlog_entry_parts(const struct db_audit_row *r, auditlog_part_fn put, void *ctx)
{
	char id[24], actor_id[16], target_id[16];
	int link = r->target_kind[0] != '\0' && r->target_id != 0;

	snprintf(id, sizeof id, "%llu", (unsigned long long)r->id);
	snprintf(actor_id, sizeof actor_id, "%u", r->actor_id);
	snprintf(target_id, sizeof target_id, "%u", r->target_id);
	return put(ctx, 0, "id", id) || put(ctx, 0, "time", r->when) ||
	       put(ctx, 0, "action", r->action) || put(ctx, 0, "actor-kind", r->actor_kind) ||
	       (r->actor_id != 0 && put(ctx, 0, "actor-id", actor_id)) ||
	       (link && (put(ctx, 0, "target-kind", r->target_kind) ||
			 put(ctx, 0, "target-id", target_id))) ||
	       (r->ip[0] != '\0' && put(ctx, 0, "address", r->ip)) ||
	       (r->request_id[0] != '\0' && put(ctx, 0, "request-id", r->request_id)) ||
	       put(ctx, 1, "actor", r->actor) || put(ctx, 1, "target", r->target) ||
	       (r->old_value[0] != '\0' && put(ctx, 1, "old", r->old_value)) ||
	       (r->new_value[0] != '\0' && put(ctx, 1, "new", r->new_value));
}

static int w_part(void *ctx, int element, const char *name, const char *value)
{
	if (element)
		xml_w_text(ctx, name, value);
	else
		xml_w_attr(ctx, name, value);
	return 0;
}

int auditlog_xml_entry(xmlTextWriterPtr w, const struct db_audit_row *r)
{
	int rc;

	if ((rc = xmlTextWriterStartElement(w, BAD_CAST "entry")) < 0)
		return rc;
	auditlog_entry_parts(r, w_part, w);
	return xmlTextWriterEndElement(w);
}

int auditlog_csv_header(csv_put_fn put, void *ctx)
{
	static const char head[] =
		CSV_BOM "time (UTC),actor kind,actor,action,target kind,target id,"
			"target,old value,new value,address,request id\r\n";

	return put(ctx, head, sizeof head - 1);
}

int auditlog_csv_entry(const struct db_audit_row *r, csv_put_fn put, void *ctx)
{
	char tid[16] = "";
	const char *f[11];

	if (r->target_id != 0)
		snprintf(tid, sizeof tid, "%u", r->target_id);
	f[0] = r->when;
	f[1] = r->actor_kind;
	f[2] = r->actor;
	f[3] = r->action;
	f[4] = r->target_kind;
	f[5] = tid;
	f[6] = r->target;
	f[7] = r->old_value;
	f[8] = r->new_value;
	f[9] = r->ip;
	f[10] = r->request_id;
	for (int i = 0; i < 11; i++)
		if (csv_put_field(f[i], i == 10, put, ctx) != 0)
			return 1;
	return 0;
}
