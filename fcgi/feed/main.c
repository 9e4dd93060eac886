/* gatehouse-feed: a tenant's data as XML for partner systems, at
 * /feed/<tenant-slug>/..., opened by API keys (Settings > Integrations). */
#include "config.h"

#include "feed.h"
#include "http.h"
#include "server.h"

static const struct responder feed_responder = {
	.name = "gatehouse-feed",
	.kind = SERVER_FEED,
	.db_role = DB_ROLE_FEED,
	.pages = NULL,
	.handle = feed_handle,
	.init = feed_init,
};

int main(int argc, char **argv)
{
	return server_main(argc, argv, &feed_responder);
}
