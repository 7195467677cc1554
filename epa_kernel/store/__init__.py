"""The store: drafts, submissions, amendments and moderations in a hash-chained history."""
