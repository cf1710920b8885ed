package api

import (
	"github.com/gin-gonic/gin"

	tenderapi "github.com/prozorro-go/prozorro/tender/api"
)

// fail writes err in ProZorro's error shape with the tender API's status
// table; internal errors are logged and never shown.
func (s *Server) fail(c *gin.Context, err error) { tenderapi.Fail(c, s.log, err) }
