package metrics

import (
	"context"

	"github.com/go-chi/chi/v5"
)

// contextWithRoute puts a chi route context in place before the router
// runs; chi fills it in, so the pattern can be read after the request.
func contextWithRoute(ctx context.Context, rctx *chi.Context) context.Context {
	return context.WithValue(ctx, chi.RouteCtxKey, rctx)
}
