package web

import "github.com/go-chi/chi/v5"

// SignupDeps are what the sign-up form needs.
type SignupDeps struct{}

// signupRoutes mounts the public sign-up form.
func signupRoutes(r chi.Router, d *Deps) {}
