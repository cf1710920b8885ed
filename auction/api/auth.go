package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/auction"
)

// TokenHeader carries a participation token (the participationUrl's hash)
// for platforms that do not put it in the query or body.
const TokenHeader = "X-Participation-Token"

// cookieName is the login cookie of one auction: one cookie per auction, so
// logging in to one auction leaves the others alone. The id is hashed to
// keep the name a valid cookie token whatever the id holds.
func cookieName(auctionID string) string {
	h := sha256.Sum256([]byte(auctionID))
	return "pz_auction_" + hex.EncodeToString(h[:8])
}

// setLoginCookie remembers bidID's token for the auction: HttpOnly, so page
// scripts cannot read it, and SameSite=Lax, so other sites cannot post bids
// with it.
func (s *server) setLoginCookie(c *gin.Context, a *auction.Auction, bidID, token string) {
	ck := &http.Cookie{Name: cookieName(a.ID), Value: bidID + "." + token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.Request.TLS != nil}
	if until := a.ResultsDue().Add(24 * time.Hour); until.After(s.svc.Now()) {
		ck.Expires = until
	}
	http.SetCookie(c.Writer, ck)
}

// cookieLogin returns the bidder logged in to a by cookie; a cookie whose
// token does not check out (another secret, another auction) is ignored.
func (s *server) cookieLogin(c *gin.Context, auctionID string) (bidID, token string, ok bool) {
	v, err := c.Cookie(cookieName(auctionID))
	if err != nil {
		return "", "", false
	}
	i := strings.LastIndexByte(v, '.')
	if i <= 0 {
		return "", "", false
	}
	bidID, token = v[:i], v[i+1:]
	if !s.svc.CheckToken(auctionID, bidID, token) {
		return "", "", false
	}
	return bidID, token, true
}

// credentials finds who is asking about a: the token comes from the body
// (bodyHash), the query (hash), the X-Participation-Token header or the
// login cookie, in that order; the bidder id from the body, the query
// (bidder_id), the cookie, or else from whichever bidder the token belongs
// to. No credentials at all is an observer (empty bidID); credentials that
// do not check out are a 403 naming "hash".
func (s *server) credentials(c *gin.Context, a *auction.Auction, bodyBid, bodyHash string) (bidID, token, location string, err error) {
	bidID = bodyBid
	if bidID == "" {
		bidID = c.Query("bidder_id")
	}
	token, location = bodyHash, "body"
	if token == "" {
		token, location = c.Query("hash"), "query"
	}
	if token == "" {
		token, location = c.GetHeader(TokenHeader), "header"
	}
	if token == "" {
		if cb, ct, ok := s.cookieLogin(c, a.ID); ok && (bidID == "" || bidID == cb) {
			return cb, ct, "cookie", nil
		}
	}
	if token == "" {
		if bidID != "" {
			return "", "", "", newError(http.StatusForbidden, "body", "hash", "Participation token (hash) required")
		}
		return "", "", "", nil
	}
	if bidID == "" {
		for _, b := range a.Bidders {
			if s.svc.CheckToken(a.ID, b.BidID, token) {
				bidID = b.BidID
			}
		}
	}
	if bidID == "" || !s.svc.CheckToken(a.ID, bidID, token) {
		return "", "", "", newError(http.StatusForbidden, location, "hash", "Invalid hash")
	}
	return bidID, token, location, nil
}

// sameOrigin reports whether a cookie-authenticated POST comes from this
// site: browsers send Origin on cross-site POSTs, and SameSite=Lax already
// keeps the cookie off them; this is the second lock.
func sameOrigin(c *gin.Context) bool {
	o := c.GetHeader("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == c.Request.Host
}
