// A county picker follows its city: a <select data-follows="ID"> of <optgroup data-unit="CODE"> offers only the
// chosen city's counties, clears a county left over from another city, and choosing a county with no city chosen
// chooses its city. Without this script the server does the same on the next submit.
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
  Array.prototype.forEach.call(document.querySelectorAll('select[data-follows]'), enhance);
})();
