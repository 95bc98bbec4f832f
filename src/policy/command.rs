//! `evident policy eval`: placeholder while the engine lands.
