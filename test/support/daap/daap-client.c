/*
 * A minimal DAAP client built on Debian's libdmapsharing-3.0 (Rhythmbox's DAAP engine), written
 * for loopcast's integration tests (daap.md §13.4). It implements the three GObject types the
 * library asks of an application: a record (DMAPRecord + DAAPRecord), a database (DMAPDb) and a
 * record factory (DMAPRecordFactory). It connects by host and port, prints one line per song and
 * playlist, then waits until stdin closes so the test can fetch a play URL while the session is
 * live, and finally disconnects.
 *
 * Output lines (tab-separated):
 *   CONNECTED\t<0|1>\t<reason>
 *   SONG\t<id>\t<title>\t<artist>\t<album>\t<format>\t<track>\t<year>\t<location>
 *   PLAYLIST\t<id>\t<name>\t<entries>
 *   DONE
 *
 * Usage: daap-client HOST PORT
 */
#include <libdmapsharing/dmap.h>
#include <glib.h>
#include <glib-object.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- record: every interface property overridden, values kept in a table by name ---- */

typedef struct { GObject parent; GHashTable *values; } TestRecord;
typedef struct { GObjectClass parent; } TestRecordClass;

static void test_record_dmap_iface_init (gpointer iface, gpointer data);
static void test_record_daap_iface_init (gpointer iface, gpointer data);

G_DEFINE_TYPE_WITH_CODE (TestRecord, test_record, G_TYPE_OBJECT,
	G_IMPLEMENT_INTERFACE (DMAP_TYPE_RECORD, test_record_dmap_iface_init)
	G_IMPLEMENT_INTERFACE (DAAP_TYPE_RECORD, test_record_daap_iface_init))

static void free_value (gpointer p)
{
	GValue *v = p;
	g_value_unset (v);
	g_free (v);
}

static void test_record_set_property (GObject *obj, guint id, const GValue *value, GParamSpec *pspec)
{
	TestRecord *r = (TestRecord *) obj;
	GValue *copy = g_new0 (GValue, 1);
	(void) id;
	g_value_init (copy, G_VALUE_TYPE (value));
	g_value_copy (value, copy);
	g_hash_table_replace (r->values, g_strdup (pspec->name), copy);
}

static void test_record_get_property (GObject *obj, guint id, GValue *value, GParamSpec *pspec)
{
	TestRecord *r = (TestRecord *) obj;
	GValue *v = g_hash_table_lookup (r->values, pspec->name);
	(void) id;
	if (v != NULL && G_VALUE_TYPE (v) == G_VALUE_TYPE (value))
		g_value_copy (v, value);
	else
		g_param_value_set_default (pspec, value);
}

static void test_record_finalize (GObject *obj)
{
	g_hash_table_destroy (((TestRecord *) obj)->values);
	G_OBJECT_CLASS (test_record_parent_class)->finalize (obj);
}

static void test_record_init (TestRecord *r)
{
	r->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_value);
}

static void override_all (GObjectClass *klass, GType iface_type, guint *next_id)
{
	gpointer iface = g_type_default_interface_ref (iface_type);
	guint n = 0;
	GParamSpec **specs = g_object_interface_list_properties (iface, &n);
	for (guint i = 0; i < n; i++)
		g_object_class_override_property (klass, (*next_id)++, specs[i]->name);
	g_free (specs);
	g_type_default_interface_unref (iface);
}

static void test_record_class_init (TestRecordClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS (klass);
	guint next = 1;
	oc->set_property = test_record_set_property;
	oc->get_property = test_record_get_property;
	oc->finalize = test_record_finalize;
	override_all (oc, DAAP_TYPE_RECORD, &next);
}

static GByteArray *test_record_to_blob (DMAPRecord *r) { (void) r; return g_byte_array_new (); }
static gboolean test_record_set_from_blob (DMAPRecord *r, GByteArray *b) { (void) r; (void) b; return TRUE; }
static gboolean test_record_itunes_compat (DAAPRecord *r) { (void) r; return TRUE; }
static GInputStream *test_record_read (DAAPRecord *r, GError **err) { (void) r; (void) err; return NULL; }

static void test_record_dmap_iface_init (gpointer iface, gpointer data)
{
	DMAPRecordIface *i = iface;
	(void) data;
	i->to_blob = test_record_to_blob;
	i->set_from_blob = test_record_set_from_blob;
}

static void test_record_daap_iface_init (gpointer iface, gpointer data)
{
	DAAPRecordIface *i = iface;
	(void) data;
	i->itunes_compat = test_record_itunes_compat;
	i->read = test_record_read;
}

/* ---- database: records by id ---- */

typedef struct { GObject parent; GHashTable *records; guint next_id; } TestDb;
typedef struct { GObjectClass parent; } TestDbClass;

static void test_db_iface_init (gpointer iface, gpointer data);
G_DEFINE_TYPE_WITH_CODE (TestDb, test_db, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (DMAP_TYPE_DB, test_db_iface_init))

static void test_db_init (TestDb *db)
{
	db->records = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);
	db->next_id = 1;
}
static void test_db_finalize (GObject *o)
{
	g_hash_table_destroy (((TestDb *) o)->records);
	G_OBJECT_CLASS (test_db_parent_class)->finalize (o);
}
static void test_db_class_init (TestDbClass *k) { G_OBJECT_CLASS (k)->finalize = test_db_finalize; }

static guint test_db_add_with_id (DMAPDb *d, DMAPRecord *r, guint id)
{
	TestDb *db = (TestDb *) d;
	g_hash_table_replace (db->records, GUINT_TO_POINTER (id), g_object_ref (r));
	if (id >= db->next_id) db->next_id = id + 1;
	return id;
}
static guint test_db_add (DMAPDb *d, DMAPRecord *r) { return test_db_add_with_id (d, r, ((TestDb *) d)->next_id); }
static guint test_db_add_path (DMAPDb *d, const gchar *p) { (void) d; (void) p; return 0; }
static DMAPRecord *test_db_lookup_by_id (const DMAPDb *d, guint id)
{
	DMAPRecord *r = g_hash_table_lookup (((TestDb *) d)->records, GUINT_TO_POINTER (id));
	return r ? g_object_ref (r) : NULL;
}
static guint test_db_lookup_id_by_location (const DMAPDb *d, const gchar *loc)
{
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, ((TestDb *) d)->records);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		gchar *l = NULL;
		g_object_get (v, "location", &l, NULL);
		gboolean same = l && strcmp (l, loc) == 0;
		g_free (l);
		if (same) return GPOINTER_TO_UINT (k);
	}
	return 0;
}
static void test_db_foreach (const DMAPDb *d, GHFunc f, gpointer data) { g_hash_table_foreach (((TestDb *) d)->records, f, data); }
static gint64 test_db_count (const DMAPDb *d) { return g_hash_table_size (((TestDb *) d)->records); }

static void test_db_iface_init (gpointer iface, gpointer data)
{
	DMAPDbIface *i = iface;
	(void) data;
	i->add = test_db_add;
	i->add_with_id = test_db_add_with_id;
	i->add_path = test_db_add_path;
	i->lookup_by_id = test_db_lookup_by_id;
	i->lookup_id_by_location = test_db_lookup_id_by_location;
	i->foreach = test_db_foreach;
	i->count = test_db_count;
}

/* ---- factory ---- */

typedef struct { GObject parent; } TestFactory;
typedef struct { GObjectClass parent; } TestFactoryClass;
static void test_factory_iface_init (gpointer iface, gpointer data);
G_DEFINE_TYPE_WITH_CODE (TestFactory, test_factory, G_TYPE_OBJECT,
	G_IMPLEMENT_INTERFACE (DMAP_TYPE_RECORD_FACTORY, test_factory_iface_init))
static void test_factory_init (TestFactory *f) { (void) f; }
static void test_factory_class_init (TestFactoryClass *k) { (void) k; }
static DMAPRecord *test_factory_create (DMAPRecordFactory *f, gpointer data)
{
	(void) f; (void) data;
	return DMAP_RECORD (g_object_new (test_record_get_type (), NULL));
}
static void test_factory_iface_init (gpointer iface, gpointer data)
{
	(void) data;
	((DMAPRecordFactoryIface *) iface)->create = test_factory_create;
}

/* ---- flow ---- */

static GMainLoop *loop;
static DMAPConnection *conn;
static TestDb *db;

static gchar *str_prop (GObject *o, const char *name)
{
	GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (o), name);
	if (!p || p->value_type != G_TYPE_STRING) return g_strdup ("");
	gchar *s = NULL;
	g_object_get (o, name, &s, NULL);
	return s ? s : g_strdup ("");
}

static long int_prop (GObject *o, const char *name)
{
	GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (o), name);
	GValue v = G_VALUE_INIT;
	long out = 0;
	if (!p) return -1;
	g_value_init (&v, p->value_type);
	g_object_get_property (o, name, &v);
	if (G_VALUE_HOLDS_INT (&v)) out = g_value_get_int (&v);
	else if (G_VALUE_HOLDS_UINT (&v)) out = g_value_get_uint (&v);
	else if (G_VALUE_HOLDS_INT64 (&v)) out = (long) g_value_get_int64 (&v);
	else if (G_VALUE_HOLDS_UINT64 (&v)) out = (long) g_value_get_uint64 (&v);
	else if (G_VALUE_HOLDS_LONG (&v)) out = g_value_get_long (&v);
	else if (G_VALUE_HOLDS_ULONG (&v)) out = (long) g_value_get_ulong (&v);
	g_value_unset (&v);
	return out;
}

static void print_song (gpointer key, gpointer value, gpointer data)
{
	GObject *o = value;
	gchar *title = str_prop (o, "title"), *artist = str_prop (o, "songartist"), *album = str_prop (o, "songalbum");
	gchar *format = str_prop (o, "format"), *location = str_prop (o, "location");
	(void) data;
	printf ("SONG\t%u\t%s\t%s\t%s\t%s\t%ld\t%ld\t%s\n", GPOINTER_TO_UINT (key), title, artist, album, format,
		int_prop (o, "track"), int_prop (o, "year"), location);
	g_free (title); g_free (artist); g_free (album); g_free (format); g_free (location);
}

static gboolean on_disconnected (DMAPConnection *c, gboolean ok, const char *reason, gpointer data)
{
	(void) c; (void) ok; (void) reason; (void) data;
	printf ("DONE\n");
	fflush (stdout);
	g_main_loop_quit (loop);
	return FALSE;
}

static gboolean on_stdin (GIOChannel *ch, GIOCondition cond, gpointer data)
{
	gchar buf[256];
	gsize n = 0;
	(void) data;
	if (cond & G_IO_IN) {
		GIOStatus st = g_io_channel_read_chars (ch, buf, sizeof buf, &n, NULL);
		if (st == G_IO_STATUS_NORMAL && n > 0) return TRUE;
	}
	dmap_connection_disconnect (conn, on_disconnected, NULL);
	return FALSE;
}

static gboolean on_connected (DMAPConnection *c, gboolean ok, const char *reason, gpointer data)
{
	(void) data;
	printf ("CONNECTED\t%d\t%s\n", ok ? 1 : 0, reason ? reason : "");
	if (ok) {
		dmap_db_foreach (DMAP_DB (db), print_song, NULL);
		for (GSList *l = dmap_connection_get_playlists (c); l; l = l->next) {
			DMAPPlaylist *p = l->data;
			printf ("PLAYLIST\t%d\t%s\t%u\n", p->id, p->name, g_list_length (p->uris));
		}
	}
	printf ("LISTED\n");
	fflush (stdout);
	GIOChannel *ch = g_io_channel_unix_new (0);
	g_io_channel_set_encoding (ch, NULL, NULL);
	g_io_add_watch (ch, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, NULL);
	return FALSE;
}

static gboolean on_guard (gpointer data)
{
	(void) data;
	fprintf (stderr, "guard timeout\n");
	exit (3);
}

int main (int argc, char **argv)
{
	if (argc < 3) {
		fprintf (stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	loop = g_main_loop_new (NULL, FALSE);
	db = g_object_new (test_db_get_type (), NULL);
	TestFactory *factory = g_object_new (test_factory_get_type (), NULL);
	conn = DMAP_CONNECTION (daap_connection_new ("loopcast-test", argv[1], (guint) atoi (argv[2]),
		DMAP_DB (db), DMAP_RECORD_FACTORY (factory)));
	g_timeout_add_seconds (30, on_guard, NULL);
	dmap_connection_connect (conn, on_connected, NULL);
	g_main_loop_run (loop);
	return 0;
}
