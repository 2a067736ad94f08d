-- A message's text stripped by the report rules (HTML removed, entities
-- decoded, whitespace collapsed), written by the sync beside the HTML, so
-- reports do not parse HTML on every run. NULL on rows written before this
-- version: reports strip those on the fly.
ALTER TABLE ticket_messages ADD COLUMN plain TEXT;
