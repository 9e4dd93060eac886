/* The audit log's entries as XML and as CSV (auditlog.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auditlog.h"
#include "csv.h"
#include "xml.h"

int auditlog_xml_entry(xmlTextWriterPtr w, const struct db_audit_row *r)
{
	int rc;

	if ((rc = xmlTextWriterStartElement(w, BAD_CAST "entry")) < 0)
		return rc;
	xml_w_attr_uint(w, "id", r->id);
	xml_w_attr(w, "time", r->when);
	xml_w_attr(w, "action", r->action);
	xml_w_attr(w, "actor-kind", r->actor_kind);
	if (r->actor_id != 0)
		xml_w_attr_uint(w, "actor-id", r->actor_id);
	if (r->target_kind[0] != '\0' && r->target_id != 0) {
		xml_w_attr(w, "target-kind", r->target_kind);
		xml_w_attr_uint(w, "target-id", r->target_id);
	}
	if (r->ip[0] != '\0')
		xml_w_attr(w, "address", r->ip);
	if (r->request_id[0] != '\0')
		xml_w_attr(w, "request-id", r->request_id);
	xml_w_text(w, "actor", r->actor);
	xml_w_text(w, "target", r->target);
	if (r->old_value[0] != '\0')
		xml_w_text(w, "old", r->old_value);
	if (r->new_value[0] != '\0')
		xml_w_text(w, "new", r->new_value);
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
