//! Widgets shared by several panels: the player, the wave board, and downloads.

pub mod download;
pub mod player;
pub mod wave_board;
