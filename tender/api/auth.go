package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// Platform is an API client: an e-marketplace or one of the robots. Its key
// is kept only as a SHA-256 hash.
type Platform struct {
	Name    string
	KeyHash string      // hex SHA-256 of the key
	Levels  string      // accreditation levels, e.g. "1234"
	Role    tender.Role // broker unless a robot
}

// HashKey returns the stored form of an API key.
func HashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// apiKey extracts the key from Basic (username) or Bearer authorization.
func apiKey(c *gin.Context) string {
	h := c.GetHeader("Authorization")
	if b, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(b)
	}
	if b, ok := strings.CutPrefix(h, "Basic "); ok {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b))
		if err != nil {
			return "\x00invalid"
		}
		user, _, _ := strings.Cut(string(raw), ":")
		return user
	}
	if h != "" {
		return "\x00invalid"
	}
	return ""
}

// authenticate resolves the caller; an unknown key is refused, no key is an
// anonymous reader.
func (s *server) authenticate(c *gin.Context) (tender.Actor, error) {
	key := apiKey(c)
	actor := tender.Actor{Role: tender.RolePublic, Token: c.Query("acc_token")}
	if t := c.GetHeader("X-Access-Token"); t != "" {
		actor.Token = t
	}
	if key == "" {
		return actor, nil
	}
	sum := HashKey(key)
	for _, p := range s.platforms {
		if subtle.ConstantTimeCompare([]byte(sum), []byte(p.KeyHash)) == 1 {
			actor.Platform, actor.Levels, actor.Role = p.Name, p.Levels, p.Role
			if actor.Role == "" {
				actor.Role = tender.RoleBroker
			}
			return actor, nil
		}
	}
	return actor, tender.Unauthorized("Invalid API key")
}
