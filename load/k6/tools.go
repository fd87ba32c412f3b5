// Keeps go.k6.io/k6/v2 in go.mod for `go mod tidy`; never compiled (build tag).
//go:build tools

package tools

import _ "go.k6.io/k6/v2"
