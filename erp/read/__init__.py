"""Read models of documents for screens: lists with search, filters and paging, one document with its lines, its
ledger postings and its audit trail, and the choices a document form offers. Screens hold no SQL; they call these
helpers with a read-only connection (``Session.read()``)."""
