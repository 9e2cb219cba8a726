// A county picker follows its city: a <select data-follows="ID"> of <optgroup data-unit="CODE"> offers only the
// chosen city's counties, clears a county left over from another city, and choosing a county with no city chosen
// chooses its city. A multiple <select data-follows-checked="NAME"> offers the counties of the cities ticked in the
// checkboxes named NAME (all when none is ticked). Without this script the server refuses a county outside the city.
(function () {
  'use strict';
  function enhance(county) {
    var unit = document.getElementById(county.getAttribute('data-follows'));
    if (!unit) return;
    var groups = Array.prototype.slice.call(county.querySelectorAll('optgroup[data-unit]'));
    if (groups.length === 0) return;
    function groupOf(value) {
      for (var i = 0; i < groups.length; i += 1) {
        if (groups[i].querySelector('option[value="' + value + '"]')) return groups[i];
      }
      return null;
    }
    function show() {
      var chosen = unit.value;
      var keep = county.value;
      groups.forEach(function (g) {
        if (g.parentNode === county) county.removeChild(g);
      });
      groups.forEach(function (g) {
        if (!chosen || g.getAttribute('data-unit') === chosen) county.appendChild(g);
      });
      var still = keep && groupOf(keep) && groupOf(keep).parentNode === county;
      county.value = still ? keep : '';
    }
    unit.addEventListener('change', show);
    county.addEventListener('change', function () {
      if (unit.value || !county.value) return;
      var g = groupOf(county.value);
      var code = g && g.getAttribute('data-unit');
      if (code && unit.querySelector('option[value="' + code + '"]')) {
        var keep = county.value;
        unit.value = code;
        show();
        county.value = keep;
      }
    });
    show();
  }
  function enhanceMany(county) {
    var name = county.getAttribute('data-follows-checked');
    var boxes = Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
    var groups = Array.prototype.slice.call(county.querySelectorAll('optgroup[data-unit]'));
    if (boxes.length === 0 || groups.length === 0) return;
    function show() {
      var chosen = boxes
        .filter(function (b) {
          return b.checked;
        })
        .map(function (b) {
          return b.value;
        });
      groups.forEach(function (g) {
        if (g.parentNode === county) county.removeChild(g);
      });
      groups.forEach(function (g) {
        if (chosen.length === 0 || chosen.indexOf(g.getAttribute('data-unit')) >= 0) county.appendChild(g);
        else
          Array.prototype.forEach.call(g.querySelectorAll('option'), function (o) {
            o.selected = false;
          });
      });
    }
    boxes.forEach(function (b) {
      b.addEventListener('change', show);
    });
    show();
  }
  Array.prototype.forEach.call(document.querySelectorAll('select[data-follows]'), enhance);
  Array.prototype.forEach.call(document.querySelectorAll('select[data-follows-checked]'), enhanceMany);
})();
