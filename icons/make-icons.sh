#!/usr/bin/env bash
# Draws Rapportino's icon (a report sheet with a stopwatch on a blue tile) with ImageMagick into
# app-icon.png (1024 px, the committed source), then lets `tauri icon` write the whole desktop set
# the bundler needs (PNG sizes, .ico, .icns, Windows Store logos). The mobile folders it also
# writes are dropped: there is no mobile app. Re-run after changing the drawing.
set -euo pipefail
cd "$(dirname "$0")"
convert -size 1024x1024 xc:none \
  -fill '#1f4e9c' -draw 'roundrectangle 48,48 976,976 200,200' \
  -fill '#ffffff' -draw 'roundrectangle 250,170 720,860 40,40' \
  -fill '#c7d3e8' -draw 'roundrectangle 380,120 590,230 30,30' \
  -fill '#9db3d6' -draw 'roundrectangle 320,330 650,370 18,18' \
  -fill '#9db3d6' -draw 'roundrectangle 320,440 650,480 18,18' \
  -fill '#9db3d6' -draw 'roundrectangle 320,550 520,590 18,18' \
  -fill '#f28c28' -stroke '#ffffff' -strokewidth 28 -draw 'circle 700,720 700,900' \
  -stroke none -fill '#ffffff' -draw 'roundrectangle 680,520 720,560 8,8' \
  -stroke '#ffffff' -strokewidth 34 -draw 'line 700,720 700,630' -draw 'line 700,720 770,760' \
  -stroke none -fill '#ffffff' -draw 'circle 700,720 700,742' \
  -depth 8 PNG32:app-icon.png
../ui/node_modules/.bin/tauri icon app-icon.png -o . >/dev/null 2>&1
rm -rf android ios
ls
