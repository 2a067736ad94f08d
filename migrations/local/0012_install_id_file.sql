-- The install id names the keychain entry of the data dir's database key, so
-- it must be read before the (encrypted) databases are opened: it lives in the
-- plain file `install-id` now (db/install_id.rs moved it there).
DROP TABLE install;
