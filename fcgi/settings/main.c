/* gatehouse-settings: the office users' settings responder. */
#include "config.h"

#include "pages.h"
#include "server.h"

/* The route table, from pages.def; menu order is table order. */
const struct page *const settings_pages[] = {
#define PAGE(file, symbol) &symbol,
#include "pages.def"
#undef PAGE
	NULL,
};

int main(int argc, char **argv)
{
	return server_main(argc, argv, &settings_responder);
}
