// Package ocds publishes tenders as Open Contracting Data Standard 1.1
// releases and release packages, with the bids, lots and enquiries
// extensions.
//
// Each tender is one contracting process, ocid = Config.Prefix + "-" +
// tenderID; lots stay inside it (lots extension). The default prefix,
// PlaceholderPrefix ("ocds-xxxxxx"), is a placeholder of the valid form:
// operators register their own prefix with the Open Contracting Partnership
// and configure it.
//
// Releases are history, not snapshots of today: History rebuilds the public
// view of every stored revision (tender.Versions, then View(RolePublic)),
// and Releases emits one release per revision that changed what the public
// sees, id "<ocid>-<revision>", dated at the revision, tagged from what
// changed (Tags). Since releases are built only from public views, a sealed
// bid's value or bidder appears in no release dated before the procedure
// opened the bids. Each release is a full snapshot of the public state, so
// compiling any prefix of them (ocds/merge) gives the state at that date.
//
// Package wraps releases in a release package. The HTTP endpoints, the
// export command and record compilation (ocds/merge) call this package;
// it imports only tender.
package ocds
