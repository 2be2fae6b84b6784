package web

import "github.com/go-chi/chi/v5"

// StaffDeps are what the staff pages need.
type StaffDeps struct{}

// staffRoutes mounts the staff pages.
func staffRoutes(r chi.Router, d *Deps) {}
