-- Indexes for reads that walked whole tables (issue 20).

-- The filter choices (browse::facets) are each column's distinct values,
-- read by jumping from one value to the next through an index on the
-- column: a few seeks per choice instead of a pass over the table.
CREATE INDEX users_status ON users (status);
CREATE INDEX payments_status ON payments (status);
CREATE INDEX payments_method ON payments (method);
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_assignee ON tickets (assignee);

-- A ticket's waiting time and unread count (browse::filters' macros) ask
-- for its last staff message and the customer's after it: two seeks in
-- this narrow index, where the conversation's rows carry every message.
CREATE INDEX ticket_messages_turns ON ticket_messages (panel_id, ticket_id, is_staff, seq, created);
