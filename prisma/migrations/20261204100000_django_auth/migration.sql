-- What Django's `auth` and `contenttypes` apps need, so the studio's Django app can take over a
-- database the bot created (issue 15): the tables exactly as Django 3.2's migrations leave them
-- (contenttypes 0001-0002, auth 0001-0012; statements from `manage.py sqlmigrate` on Postgres 15,
-- with the later ALTERs folded into the CREATEs, names unchanged), and their rows in
-- django_migrations. The studio's own app then adopts the seed tables with
-- `manage.py migrate --fake-initial` (see the README).
--
-- Where Django came first every table already exists and is left as it is: IF NOT EXISTS
-- throughout, constraints added only where their name is absent, migration rows recorded only
-- for an app Django has recorded nothing for.

CREATE TABLE IF NOT EXISTS "django_migrations" ("id" serial NOT NULL PRIMARY KEY, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamp with time zone NOT NULL);

-- contenttypes 0001 + 0002 (the "name" column is dropped by 0002).
CREATE TABLE IF NOT EXISTS "django_content_type" ("id" serial NOT NULL PRIMARY KEY, "app_label" varchar(100) NOT NULL, "model" varchar(100) NOT NULL);

-- auth 0001, with 0002 (permission name 255), 0010 (group name 150) folded in.
CREATE TABLE IF NOT EXISTS "auth_permission" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(255) NOT NULL, "content_type_id" integer NOT NULL, "codename" varchar(100) NOT NULL);
CREATE TABLE IF NOT EXISTS "auth_group" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(150) NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS "auth_group_permissions" ("id" serial NOT NULL PRIMARY KEY, "group_id" integer NOT NULL, "permission_id" integer NOT NULL);
CREATE TABLE IF NOT EXISTS "auth_user_groups" ("id" serial NOT NULL PRIMARY KEY, "user_id" integer NOT NULL, "group_id" integer NOT NULL);
CREATE TABLE IF NOT EXISTS "auth_user_user_permissions" ("id" serial NOT NULL PRIMARY KEY, "user_id" integer NOT NULL, "permission_id" integer NOT NULL);

CREATE INDEX IF NOT EXISTS "auth_permission_content_type_id_2f476e4b" ON "auth_permission" ("content_type_id");
CREATE INDEX IF NOT EXISTS "auth_group_name_a6ea08ec_like" ON "auth_group" ("name" varchar_pattern_ops);
CREATE INDEX IF NOT EXISTS "auth_group_permissions_group_id_b120cbf9" ON "auth_group_permissions" ("group_id");
CREATE INDEX IF NOT EXISTS "auth_group_permissions_permission_id_84c5c92e" ON "auth_group_permissions" ("permission_id");
CREATE INDEX IF NOT EXISTS "auth_user_username_6821ab7c_like" ON "auth_user" ("username" varchar_pattern_ops);
CREATE INDEX IF NOT EXISTS "auth_user_groups_user_id_6a12ed8b" ON "auth_user_groups" ("user_id");
CREATE INDEX IF NOT EXISTS "auth_user_groups_group_id_97559544" ON "auth_user_groups" ("group_id");
CREATE INDEX IF NOT EXISTS "auth_user_user_permissions_user_id_a95ead1b" ON "auth_user_user_permissions" ("user_id");
CREATE INDEX IF NOT EXISTS "auth_user_user_permissions_permission_id_1fbb5f2c" ON "auth_user_user_permissions" ("permission_id");

-- Constraints under Django's names (Django finds them by introspection when it alters a field
-- later), each added only where no constraint of that name exists yet.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('django_content_type', 'django_content_type_app_label_model_76bd3d3b_uniq', 'UNIQUE ("app_label", "model")'),
    ('auth_permission', 'auth_permission_content_type_id_codename_01ab375a_uniq', 'UNIQUE ("content_type_id", "codename")'),
    ('auth_permission', 'auth_permission_content_type_id_2f476e4b_fk_django_co', 'FOREIGN KEY ("content_type_id") REFERENCES "django_content_type" ("id") DEFERRABLE INITIALLY DEFERRED'),
    ('auth_group_permissions', 'auth_group_permissions_group_id_permission_id_0cd325b0_uniq', 'UNIQUE ("group_id", "permission_id")'),
    ('auth_group_permissions', 'auth_group_permissions_group_id_b120cbf9_fk_auth_group_id', 'FOREIGN KEY ("group_id") REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED'),
    ('auth_group_permissions', 'auth_group_permissio_permission_id_84c5c92e_fk_auth_perm', 'FOREIGN KEY ("permission_id") REFERENCES "auth_permission" ("id") DEFERRABLE INITIALLY DEFERRED'),
    ('auth_user_groups', 'auth_user_groups_user_id_group_id_94350c0c_uniq', 'UNIQUE ("user_id", "group_id")'),
    ('auth_user_groups', 'auth_user_groups_user_id_6a12ed8b_fk_auth_user_id', 'FOREIGN KEY ("user_id") REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED'),
    ('auth_user_groups', 'auth_user_groups_group_id_97559544_fk_auth_group_id', 'FOREIGN KEY ("group_id") REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED'),
    ('auth_user_user_permissions', 'auth_user_user_permissions_user_id_permission_id_14a6b632_uniq', 'UNIQUE ("user_id", "permission_id")'),
    ('auth_user_user_permissions', 'auth_user_user_permissions_user_id_a95ead1b_fk_auth_user_id', 'FOREIGN KEY ("user_id") REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED'),
    ('auth_user_user_permissions', 'auth_user_user_permi_permission_id_1fbb5f2c_fk_auth_perm', 'FOREIGN KEY ("permission_id") REFERENCES "auth_permission" ("id") DEFERRABLE INITIALLY DEFERRED')
  ) AS v(tbl, name, def) LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = c.tbl::regclass AND conname = c.name) THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.tbl, c.name, c.def);
    END IF;
  END LOOP;

  -- The bot's auth_user (init migration) as Django makes it: username unique as a constraint
  -- (Prisma made a unique index of the same name) and timestamps without a precision typmod
  -- (auth 0005 and 0008-0012 leave nothing else to change). No table rewrite either way.
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'auth_user'::regclass AND conname = 'auth_user_username_key') THEN
    ALTER TABLE "auth_user" ADD CONSTRAINT "auth_user_username_key" UNIQUE USING INDEX "auth_user_username_key";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'auth_user'::regclass AND attname IN ('last_login', 'date_joined') AND atttypmod <> -1) THEN
    ALTER TABLE "auth_user" ALTER COLUMN "last_login" TYPE timestamp with time zone, ALTER COLUMN "date_joined" TYPE timestamp with time zone;
  END IF;
END $$;

-- Recorded as Django records them (in its own order), for an app with no rows of its own yet:
-- where Django came first it has recorded these itself, and a half-migrated app is Django's to finish.
INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
  FROM (VALUES
    (1, 'contenttypes', '0001_initial'),
    (2, 'auth', '0001_initial'),
    (3, 'contenttypes', '0002_remove_content_type_name'),
    (4, 'auth', '0002_alter_permission_name_max_length'),
    (5, 'auth', '0003_alter_user_email_max_length'),
    (6, 'auth', '0004_alter_user_username_opts'),
    (7, 'auth', '0005_alter_user_last_login_null'),
    (8, 'auth', '0006_require_contenttypes_0002'),
    (9, 'auth', '0007_alter_validators_add_error_messages'),
    (10, 'auth', '0008_alter_user_username_max_length'),
    (11, 'auth', '0009_alter_user_last_name_max_length'),
    (12, 'auth', '0010_alter_group_name_max_length'),
    (13, 'auth', '0011_update_proxy_permissions'),
    (14, 'auth', '0012_alter_user_first_name_max_length')
  ) AS v(ord, app, name)
 WHERE NOT EXISTS (SELECT 1 FROM "django_migrations" m WHERE m.app = v.app)
 ORDER BY v.ord;

-- Usernames Django's validator accepts (letters, digits and @.+-_): the bot used to create
-- "slack:U…"; it now creates "slack.U…". Renamed only where the new name is free.
UPDATE "auth_user" u SET "username" = 'slack.' || substr(u."username", 7)
 WHERE u."username" ~ '^slack:[A-Za-z0-9]+$'
   AND NOT EXISTS (SELECT 1 FROM "auth_user" o WHERE o."username" = 'slack.' || substr(u."username", 7));

-- A role row of its own identity, so an audit row about a role points at the row (target_id is
-- a UUID; auth_user ids are integers).
ALTER TABLE "wl_user_role" ADD COLUMN IF NOT EXISTS "id" UUID NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX IF NOT EXISTS "wl_user_role_id_key" ON "wl_user_role"("id");
