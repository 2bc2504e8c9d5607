var ri=!!"".isWellFormed;var y=Math.fround;var pi=64*1024;function Ye(e,t){for(let n of t)e.kinds.set(n.kind,(e.kinds.get(n.kind)??0)+1)}var A=Uint8Array,B=Uint16Array,tn=Int32Array,Xe=new A([0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0,0,0,0]),_e=new A([0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13,0,0]),nn=new A([16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15]),Je=function(e,t){for(var n=new B(31),r=0;r<31;++r)n[r]=t+=1<<e[r-1];for(var i=new tn(n[30]),r=1;r<30;++r)for(var a=n[r];a<n[r+1];++a)i[a]=a-n[r]<<5|r;return{b:n,r:i}},Qe=Je(Xe,2),et=Qe.b,rn=Qe.r;et[28]=258,rn[258]=28;var tt=Je(_e,0),an=tt.b,gi=tt.r,we=new B(32768);for(p=0;p<32768;++p)M=(p&43690)>>1|(p&21845)<<1,M=(M&52428)>>2|(M&13107)<<2,M=(M&61680)>>4|(M&3855)<<4,we[p]=((M&65280)>>8|(M&255)<<8)>>1;var M,p,V=(function(e,t,n){for(var r=e.length,i=0,a=new B(t);i<r;++i)e[i]&&++a[e[i]-1];var s=new B(t);for(i=1;i<t;++i)s[i]=s[i-1]+a[i-1]<<1;var l;if(n){l=new B(1<<t);var o=15-t;for(i=0;i<r;++i)if(e[i])for(var u=i<<4|e[i],c=t-e[i],f=s[e[i]-1]++<<c,d=f|(1<<c)-1;f<=d;++f)l[we[f]>>o]=u}else for(l=new B(r),i=0;i<r;++i)e[i]&&(l[i]=we[s[e[i]-1]++]>>15-e[i]);return l}),Y=new A(288);for(p=0;p<144;++p)Y[p]=8;var p;for(p=144;p<256;++p)Y[p]=9;var p;for(p=256;p<280;++p)Y[p]=7;var p;for(p=280;p<288;++p)Y[p]=8;var p,nt=new A(32);for(p=0;p<32;++p)nt[p]=5;var p;var on=V(Y,9,1);var sn=V(nt,5,1),be=function(e){for(var t=e[0],n=1;n<e.length;++n)e[n]>t&&(t=e[n]);return t},T=function(e,t,n){var r=t/8|0;return(e[r]|e[r+1]<<8)>>(t&7)&n},ye=function(e,t){var n=t/8|0;return(e[n]|e[n+1]<<8|e[n+2]<<16)>>(t&7)},ln=function(e){return(e+7)/8|0},ne=function(e,t,n){return(t==null||t<0)&&(t=0),(n==null||n>e.length)&&(n=e.length),new A(e.subarray(t,n))};var un=["unexpected EOF","invalid block type","invalid length/literal","invalid distance","stream finished","no stream handler",,"no callback","invalid UTF-8 data","extra field too long","date not in range 1980-2099","filename too long","stream finishing","invalid zip data"],k=function(e,t,n){var r=new Error(t||un[e]);if(r.code=e,Error.captureStackTrace&&Error.captureStackTrace(r,k),!n)throw r;return r},fn=function(e,t,n,r){var i=e.length,a=r?r.length:0;if(!i||t.f&&!t.l)return n||new A(0);var s=!n,l=s||t.i!=2,o=t.i;s&&(n=new A(i*3));var u=function(Ze){var Ge=n.length;if(Ze>Ge){var Ve=new A(Math.max(Ge*2,Ze));Ve.set(n),n=Ve}},c=t.f||0,f=t.p||0,d=t.b||0,m=t.l,x=t.d,v=t.m,b=t.n,$=i*8;do{if(!m){c=T(e,f,1);var ce=T(e,f+1,3);if(f+=3,ce)if(ce==1)m=on,x=sn,v=9,b=5;else if(ce==2){var pe=T(e,f,31)+257,Be=T(e,f+10,15)+4,Re=pe+T(e,f+5,31)+1;f+=14;for(var j=new A(Re),me=new A(19),I=0;I<Be;++I)me[nn[I]]=T(e,f+I*3,7);f+=Be*3;for(var qe=be(me),$t=(1<<qe)-1,jt=V(me,qe,1),I=0;I<Re;){var He=jt[T(e,f,$t)];f+=He&15;var D=He>>4;if(D<16)j[I++]=D;else{var F=0,te=0;for(D==16?(te=3+T(e,f,3),f+=2,F=j[I-1]):D==17?(te=3+T(e,f,7),f+=3):D==18&&(te=11+T(e,f,127),f+=7);te--;)j[I++]=F}}var Ke=j.subarray(0,pe),L=j.subarray(pe);v=be(Ke),b=be(L),m=V(Ke,v,1),x=V(L,b,1)}else k(1);else{var D=ln(f)+4,de=e[D-4]|e[D-3]<<8,he=D+de;if(he>i){o&&k(0);break}l&&u(d+de),n.set(e.subarray(D,he),d),t.b=d+=de,t.p=f=he*8,t.f=c;continue}if(f>$){o&&k(0);break}}l&&u(d+131072);for(var Zt=(1<<v)-1,Gt=(1<<b)-1,ge=f;;ge=f){var F=m[ye(e,f)&Zt],P=F>>4;if(f+=F&15,f>$){o&&k(0);break}if(F||k(2),P<256)n[d++]=P;else if(P==256){ge=f,m=null;break}else{var We=P-254;if(P>264){var I=P-257,Z=Xe[I];We=T(e,f,(1<<Z)-1)+et[I],f+=Z}var xe=x[ye(e,f)&Gt],ve=xe>>4;xe||k(3),f+=xe&15;var L=an[ve];if(ve>3){var Z=_e[ve];L+=ye(e,f)&(1<<Z)-1,f+=Z}if(f>$){o&&k(0);break}l&&u(d+131072);var $e=d+We;if(d<L){var je=a-L,Vt=Math.min(L,$e);for(je+d<0&&k(3);d<Vt;++d)n[d]=r[je+d]}for(;d<$e;++d)n[d]=n[d-L]}}t.l=m,t.p=ge,t.b=d,t.f=c,m&&(c=1,t.m=v,t.d=x,t.n=b)}while(!c);return d!=n.length&&s?ne(n,0,d):n.subarray(0,d)};var cn=new A(0);var rt=(function(){function e(t,n){typeof t=="function"&&(n=t,t={}),this.ondata=n;var r=t&&t.dictionary&&t.dictionary.subarray(-32768);this.s={i:0,b:r?r.length:0},this.o=new A(32768),this.p=new A(0),r&&this.o.set(r)}return e.prototype.e=function(t){if(this.ondata||k(5),this.d&&k(4),!this.p.length)this.p=t;else if(t.length){var n=new A(this.p.length+t.length);n.set(this.p),n.set(t,this.p.length),this.p=n}},e.prototype.c=function(t){this.s.i=+(this.d=t||!1);var n=this.s.b,r=fn(this.p,this.s,this.o);this.ondata(ne(r,n,this.s.b),this.d),this.o=ne(r,this.s.b-32768),this.s.b=this.o.length,this.p=ne(this.p,this.s.p/8|0),this.s.p&=7},e.prototype.push=function(t,n){this.e(t),this.c(n)},e})();var dn=typeof TextDecoder<"u"&&new TextDecoder,hn=0;try{dn.decode(cn,{stream:!0}),hn=1}catch{}var pn=1e4,g=class extends Error{constructor(n){super(n);this.reason=n}reason};function lt(e,t){try{return{...mn(e,t)}}catch(n){return n instanceof g?{notInspectable:n.reason}:{notInspectable:"corrupt"}}}function it(e,t,n){return n.objects?{text:e,format:t,unread:"embedded-objects-not-inspected"}:n.images?{text:e,format:t,unread:"images-not-inspected"}:{text:e,format:t}}function mn(e,t){let n=xn(e),r=new Map(n.map(a=>[a.name,a]));if(r.has("word/document.xml")){let a=n.map(l=>l.name).filter(l=>{let o=l.startsWith("word/")?l.slice(5):"";return(o.startsWith("header")||o.startsWith("footer"))&&o.endsWith(".xml")&&!o.includes("/")||["footnotes.xml","endnotes.xml","comments.xml"].includes(o)}).sort(gn),s={images:!1,objects:!1};for(let{name:l}of n){let o=l.lastIndexOf("/");if(!l.startsWith("word/")||o<5)continue;let u=l.slice(5,o).split("/");s.images||=u.includes("media"),s.objects||=u.includes("embeddings")}return it(at(e,r,["word/document.xml",...a],"word",t,s),"docx",s)}let i=null;try{i=ut(e,r,"mimetype",256)}catch{i=null}if(i!==null&&new TextDecoder().decode(i)==="application/vnd.oasis.opendocument.text"){let a=r.has("styles.xml")?["content.xml","styles.xml"]:["content.xml"],s={images:!1,objects:!1};for(let{name:l}of n)s.images||=l.startsWith("Pictures/"),s.objects||=l.startsWith("Object");return it(at(e,r,a,"odf",t,s),"odt",s)}throw r.has("[Content_Types].xml")&&n.some(a=>a.name.includes("/encryption"))?new g("encrypted"):new g("unsupported-format")}function gn(e,t){let n=new TextEncoder().encode(e),r=new TextEncoder().encode(t);for(let i=0;i<Math.min(n.length,r.length);i++){let a=n[i]-r[i];if(a!==0)return a}return n.length-r.length}function xn(e){let t=new DataView(e.buffer,e.byteOffset,e.byteLength),n=-1;for(let u=e.length-22;u>=Math.max(0,e.length-22-65535);u--)if(t.getUint32(u,!0)===101010256){n=u;break}if(n<0)throw new g("corrupt");let r=t.getUint16(n+10,!0),i=t.getUint32(n+12,!0),a=t.getUint32(n+16,!0);if(r>pn)throw new g("too-large");if(a+i>n)throw new g("corrupt");let s=new TextDecoder,l=[],o=a;for(let u=0;u<r;u++){if(o+46>n||t.getUint32(o,!0)!==33639248)throw new g("corrupt");let c=t.getUint16(o+28,!0),f=o+46+c+t.getUint16(o+30,!0)+t.getUint16(o+32,!0);if(f>n)throw new g("corrupt");l.push({name:s.decode(e.subarray(o+46,o+46+c)),flags:t.getUint16(o+8,!0),method:t.getUint16(o+10,!0),compressedSize:t.getUint32(o+20,!0),size:t.getUint32(o+24,!0),localOffset:t.getUint32(o+42,!0)}),o=f}return l}function ut(e,t,n,r){let i=t.get(n);if(i===void 0)throw new g("corrupt");if((i.flags&1)!==0)throw new g("encrypted");if(i.size>r)throw new g("too-large");let a=new DataView(e.buffer,e.byteOffset,e.byteLength),s=i.localOffset;if(s+30>e.length||a.getUint32(s,!0)!==67324752)throw new g("corrupt");let l=s+30+a.getUint16(s+26,!0)+a.getUint16(s+28,!0),o=e.subarray(l,l+i.compressedSize);if(o.length!==i.compressedSize)throw new g("corrupt");if(i.method===0){if(o.length>r)throw new g("too-large");return o}if(i.method!==8)throw new g("unsupported-format");let u=[],c=0,f=!1,d=new rt((b,$)=>{if(c+=b.length,c>r)throw new g("too-large");u.push(b),$&&(f=!0)}),m=64*1024;for(let b=0;b<o.length;b+=m)d.push(o.subarray(b,Math.min(b+m,o.length)),b+m>=o.length);if(o.length===0&&d.push(new Uint8Array(0),!0),!f)throw new g("corrupt");let x=new Uint8Array(c),v=0;for(let b of u)x.set(b,v),v+=b.length;return x}function at(e,t,n,r,i,a){let s="";for(let l of n){let o=ut(e,t,l,i.maxPartBytes);if(s!==""&&!s.endsWith(`
`)&&(s+=`
`),s+=bn(o,r,a),s.length>i.maxTextBytes)throw new g("too-large")}return s}function ot(e,t){return e==="word"?t==="w:t"||t==="w:delText":t==="text:p"||t==="text:h"}function st(e,t){return e==="word"?t==="w:p":t==="text:p"||t==="text:h"}function vn(e,t,n){e==="word"&&t==="w:altChunk"&&(n.objects=!0),e==="odf"&&t==="office:binary-data"&&(n.images=!0)}function bn(e,t,n={images:!1,objects:!1}){let r;try{r=new TextDecoder("utf-8",{fatal:!0}).decode(e)}catch{throw new g("corrupt")}let i=[],a=[],s=0,l=0;for(;l<r.length;){let o=r.indexOf("<",l),u=o<0?r.length:o;if(u>l){if(s>0)i.push(An(r.slice(l,u)));else if(r.slice(l,u).includes("&")&&/&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(r.slice(l,u)))throw new g("corrupt")}if(o<0)break;if(r.startsWith("<!--",o))l=re(r,"-->",o+4);else if(r.startsWith("<![CDATA[",o)){let c=r.indexOf("]]>",o+9);if(c<0)throw new g("corrupt");s>0&&i.push(r.slice(o+9,c)),l=c+3}else if(r.startsWith("<?",o))l=re(r,"?>",o+2);else if(r.startsWith("<!",o)){let c=r.indexOf("[",o),f=r.indexOf(">",o);l=c>=0&&c<f?re(r,"]>",c):re(r,">",o)}else{let c=yn(r,o+1),f=r.slice(o+1,c);if(l=c+1,f.startsWith("/")){let v=f.slice(1).trim();if(a.pop()!==v)throw new g("corrupt");ot(t,v)&&(s=Math.max(0,s-1)),st(t,v)&&i.push(`
`);continue}let d=f.endsWith("/"),m=d?f.slice(0,-1):f,x=/^[^\s/>]+/.exec(m)?.[0];if(x===void 0)throw new g("corrupt");if(vn(t,x,n),!d){a.push(x),ot(t,x)&&(s+=1);continue}if(t==="word"&&x==="w:tab"||t==="odf"&&x==="text:tab")i.push("	");else if(t==="word"&&(x==="w:br"||x==="w:cr")||t==="odf"&&x==="text:line-break")i.push(`
`);else if(t==="odf"&&x==="text:s"){let v=/\stext:c\s*=\s*(?:"([0-9]+)"|'([0-9]+)')/.exec(m),b=v===null?1:Number(v[1]??v[2]);i.push(" ".repeat(Math.min(Number.isSafeInteger(b)?b:1,64)))}else st(t,x)&&i.push(`
`)}}return i.join("")}function re(e,t,n){let r=e.indexOf(t,n);if(r<0)throw new g("corrupt");return r+t.length}function yn(e,t){let n="";for(let r=t;r<e.length;r++){let i=e[r];if(n!=="")i===n&&(n="");else if(i==='"'||i==="'")n=i;else{if(i===">")return r;if(i==="<")break}}throw new g("corrupt")}var wn={amp:"&",lt:"<",gt:">",quot:'"',apos:"'"};function An(e){return e.replace(/&([^;&]*);|&/g,(t,n)=>{if(n===void 0)throw new g("corrupt");let r=/^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(n);if(r!==null){let i=r[1]!==void 0?parseInt(r[1],16):Number(r[2]);if(!(i>0&&i<=1114111)||i>=55296&&i<=57343)throw new g("corrupt");return String.fromCodePoint(i)}if(!/^[A-Za-z_][\w.-]*$/.test(n))throw new g("corrupt");return wn[n]??""})}var Ae={maxFileBytes:256<<20,maxPartBytes:64<<20,maxTextBytes:64<<20};function dt(e,t,n=Ae){if(e.length>n.maxFileBytes)return{notInspectable:"too-large"};let r;switch(In(e)){case"pdf":r={notInspectable:"pdf"};break;case"zip":r=lt(e,n);break;case"image":r={notInspectable:"image"};break;case"unsupported":r={notInspectable:"unsupported-format"};break;case"other":r=Sn(e,t,n.maxTextBytes);break}return"text"in r&&Cn(r.text)>n.maxTextBytes?{notInspectable:"too-large"}:r}function Cn(e){let t=0;for(let n=0;n<e.length;n++){let r=e.charCodeAt(n);r<128?t+=1:r<2048?t+=2:r>=55296&&r<=56319&&n+1<e.length&&(e.charCodeAt(n+1)&64512)===56320?(t+=4,n+=1):t+=3}return t}var ft=1<<20;function ct(e,t){let n=new TextDecoder(t,{fatal:!0,ignoreBOM:!0});try{for(let r=0;r<e.length;r+=ft)n.decode(e.subarray(r,r+ft),{stream:!0});return n.decode(),!0}catch{return!1}}function w(e,t,n=0){return t.every((r,i)=>e[n+i]===r)}var O=e=>[...e].map(t=>t.charCodeAt(0));function In(e){let t=e.subarray(0,1024),n=O("%PDF-");for(let i=0;i+n.length<=t.length;i++)if(w(t,n,i))return"pdf";return w(e,[80,75,3,4])?"zip":w(e,[137,80,78,71,13,10,26,10])||w(e,[255,216,255])||w(e,O("GIF87a"))||w(e,O("GIF89a"))||w(e,[73,73,42,0])||w(e,[77,77,0,42])||w(e,O("BM"))&&e.length>=10&&w(e,[0,0,0,0],6)||w(e,O("RIFF"))&&w(e,O("WEBP"),8)||w(e,O("ftyp"),4)&&["heic","heix","mif1","avif","msf1"].some(i=>w(e,O(i),8))?"image":w(e,[208,207,17,224,161,177,26,225])||w(e,[82,97,114,33,26,7])||w(e,[55,122,188,175,39,28])||w(e,[31,139])?"unsupported":"other"}function Sn(e,t,n){let r=t===null?-1:t.lastIndexOf("."),i=t===null||r<0?"":t.slice(r+1).toLowerCase(),a=i==="csv"||i==="tsv"?"csv":"text";for(let[o,u]of[[[255,254],"utf-16le"],[[254,255],"utf-16be"]])if(w(e,o)){let c=e.subarray(2);if(c.length/2>n)return ct(c,u)?{notInspectable:"too-large"}:{notInspectable:"unknown-format"};try{return{text:new TextDecoder(u,{fatal:!0,ignoreBOM:!0}).decode(c),format:a}}catch{return{notInspectable:"unknown-format"}}}if(e.includes(0))return{notInspectable:"unknown-format"};let s=e.length>n;if(s&&ct(e,"utf-8"))return{notInspectable:"too-large"};if(!s)try{return{text:new TextDecoder("utf-8",{fatal:!0,ignoreBOM:!0}).decode(e),format:a}}catch{let o=new TextDecoder("utf-8",{ignoreBOM:!0}).decode(e),u=0,c=0;for(let f of o)f==="�"?u+=1:f.charCodeAt(0)>=128&&(c+=1);if(c>0&&u<=c)return{text:o.replaceAll("�","?"),format:a}}let l=0;for(let o=0;o<e.length;o++){let u=e[o];u<32&&u!==10&&u!==13&&u!==9&&u!==12&&(l+=1)}return l*100>e.length?{notInspectable:"unknown-format"}:s?{notInspectable:"too-large"}:{text:new TextDecoder("windows-1252").decode(e),format:a}}function C(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122||e===95)}function h(e){return e!==void 0&&e>=48&&e<=57}function N(e){return e!==void 0&&e>=65&&e<=90}function E(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122)}function X(e){return e!==void 0&&(e>=65&&e<=90||e>=97&&e<=122)}function H(e){return e>=97&&e<=122?e-32:e}function ie(e){return e>=65&&e<=90?e+32:e}function _(e,t){let n=e[t];return n===32||n===46||n===45?1:n===194&&e[t+1]===160?2:n===226&&e[t+1]===128&&(e[t+2]===175||e[t+2]===137)?3:0}function ae(e,t,n=e.length){for(let r=t;r<n;r++){let i=e[r];if(i>=48&&i<=57)return r}return-1}function Te(e,t){let n=e[t];return n===void 0?-1:n<128?n:n<224?(n&31)<<6|(e[t+1]??0)&63:n<240?(n&15)<<12|((e[t+1]??0)&63)<<6|(e[t+2]??0)&63:(n&7)<<18|((e[t+1]??0)&63)<<12|((e[t+2]??0)&63)<<6|(e[t+3]??0)&63}function ke(e){return e<128?1:e<224?2:e<240?3:4}var Tn=/^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u,kn=new RegExp("^\\p{Alphabetic}$","u"),ht=new Map;function q(e){if(e<0)return!1;if(e<128)return E(e);let t=ht.get(e);return t===void 0&&(t=Tn.test(String.fromCodePoint(e)),ht.set(e,t)),t}function En(e){return e>=0&&(e<128?X(e):kn.test(String.fromCodePoint(e)))}function oe(e,t){let n=e[t];return n===void 0?!1:n<128?Ee[n]===1:gt(e,t,n)}var Ee=new Uint8Array(128);for(let e=0;e<128;e++)Ee[e]=C(e)?1:0;var pt=new Uint8Array(2048);function gt(e,t,n){if(n<224){let r=(n&31)<<6|(e[t+1]??0)&63,i=pt[r];return i===0&&(i=q(r)?1:2,pt[r]=i),i===1}return q(Te(e,t))}function xt(e,t,n){let r=0,i=-1,a=0,s=e.length;for(;r<s;){let l=e[r];if(l<128){Ee[l]===1?(i<0&&(i=r,a=0),a=Math.imul(a^(l>=65&&l<=90?l+32:l),16777619)>>>0):i>=0&&(Ce(t,a)&&n(i,a),i=-1),r+=1;continue}let o=ke(l);if(gt(e,r,l)){i<0&&(i=r,a=0);for(let u=r;u<r+o;u++)a=Math.imul(a^e[u],16777619)>>>0}else i>=0&&(Ce(t,a)&&n(i,a),i=-1);r+=o}i>=0&&Ce(t,a)&&n(i,a)}function Un(e,t){return Math.imul(e^t,16777619)>>>0}function vt(e){let t=new Uint32Array(2048);for(let n of e)t[(n&65535)>>>5]=t[(n&65535)>>>5]|1<<(n&31);return t}function Ce(e,t){return(e[(t&65535)>>>5]&1<<(t&31))!==0}function bt(e){let t=0,n=0;for(;n<e.length;){let r=e[n],i=1;if(r<128){if(!C(r))break}else{if(!q(Te(e,n)))break;i=ke(r)}for(let a=n;a<n+i;a++)t=Un(t,ie(e[a]));n+=i}return t}function J(e,t,n,r){let i=Math.max(0,t-n);for(let a of r){let s=t-a.length;e:for(let l=i;l<=s;l++){for(let o=0;o<a.length;o++)if(ie(e[l+o])!==a.charCodeAt(o))continue e;return!0}}return!1}function yt(e,t){let n=R(e,t,1,4);if(n===null)return-1;let[r,i]=n;if(i-t===4){if(e[i]!==45)return-1;let c=R(e,i+1,2,2);if(c===null||e[c[1]]!==45)return-1;let f=R(e,c[1]+1,2,2);if(f===null)return-1;let d=f[1];return Ie(r,4)&&Se(f[0],c[0])&&!C(e[d])?d:-1}if(i-t>2)return-1;let a=r,s=e[i];if(s===47||s===45||s===46){let c=R(e,i+1,1,2);if(c===null||e[c[1]]!==s)return-1;let f=R(e,c[1]+1,2,4);if(f===null)return-1;let d=f[1]-c[1]-1;return d!==3&&Ie(f[0],d)&&Se(a,c[0])&&!C(e[f[1]])?f[1]:-1}let l=i;if(a===1&&e[l]===101&&e[l+1]===114&&(l+=2),l=mt(e,l),l<0)return-1;let o=Mn(e,l);if(o===null||(l=mt(e,o[1]),l<0))return-1;let u=R(e,l,4,4);return u===null?-1:Ie(u[0],4)&&Se(a,o[0])&&!C(e[u[1]])?u[1]:-1}function R(e,t,n,r){let i=0,a=t;for(;h(e[a]);){if(a-t===r)return null;i=i*10+(e[a]-48),a+=1}return a-t>=n?[i,a]:null}function mt(e,t){let n=t;for(;;)if(e[n]===32)n+=1;else if(e[n]===194&&e[n+1]===160)n+=2;else if(e[n]===226&&e[n+1]===128&&e[n+2]===175)n+=3;else break;return n>t?n:-1}var Dn=new Map([["janvier",1],["janv.",1],["février",2],["fevrier",2],["févr.",2],["fevr.",2],["mars",3],["avril",4],["avr.",4],["mai",5],["juin",6],["juillet",7],["juil.",7],["août",8],["aout",8],["septembre",9],["sept.",9],["octobre",10],["oct.",10],["novembre",11],["nov.",11],["décembre",12],["decembre",12],["déc.",12],["dec.",12],["janv",1]]),zn=new TextDecoder;function Mn(e,t){let n=t;for(;n<e.length;){let a=Te(e,n);if(!(a===46||En(a)))break;n+=ke(e[n])}let r=zn.decode(e.subarray(t,n)).toLowerCase(),i=Dn.get(r);return i===void 0?null:[i,n]}function Ie(e,t){return t===2||e>=1900&&e<=2100}function Se(e,t){let n;if(t===2)n=29;else if(t===4||t===6||t===9||t===11)n=30;else if(t>=1&&t<=12)n=31;else return!1;return e>=1&&e<=n}var se=64,K=class{root={next:new Map,pattern:-1};patterns=[];firstWords=new Set;classes=null;transitions=new Int32Array(0);accepting=new Int32Array(0);matchEnd=0;add(t){let n=Ln.encode(t);this.firstWords.add(bt(n));let r=this.root;for(let i of n){let a=ie(i),s=r.next.get(a);s===void 0&&(s={next:new Map,pattern:-1},r.next.set(a,s)),r=s}r.pattern<0&&(r.pattern=this.patterns.length),this.patterns.push(n),this.classes=null}mayStart(t){return this.firstWords.has(t)}firstWordHashes(){return this.firstWords}compile(){let t=new Uint8Array(256),n=[],r=new Map,i=[this.root],a=0;for(;i.length>0;){let s=i.shift();r.set(s,n.length),n.push(s);for(let[l,o]of s.next){if(t[l]===0){if(a+=1,a>=se)throw new Error("too many distinct bytes in the dictionary");t[l]=a,l>=97&&l<=122&&(t[l-32]=a)}i.push(o)}}return this.transitions=new Int32Array(n.length*se),this.accepting=new Int32Array(n.length),n.forEach((s,l)=>{this.accepting[l]=s.pattern;for(let[o,u]of s.next)this.transitions[l*se+t[o]]=r.get(u)}),this.classes=t,t}longestAt(t,n){let r=this.classes??this.compile(),i=this.transitions,a=0,s=-1;for(let l=n;l<t.length;l++){let o=r[t[l]];if(o===0||(a=i[a*se+o],a===0))break;let u=this.accepting[a];u>=0&&(s=u,this.matchEnd=l+1)}return s}},Ln=new TextEncoder;function le(e){let t=e.toLowerCase(),n=[t,t.toUpperCase()],r=[...t].map(Nn).join("");[...r].length>=4&&n.push(r);for(let i of[...n])i.includes("'")?n.push(i.replaceAll("'","’")):i.includes("’")&&n.push(i.replaceAll("’","'"));return n.sort(On),n.filter((i,a)=>a===0||i!==n[a-1])}function On(e,t){let n=[...e],r=[...t];for(let i=0;i<Math.min(n.length,r.length);i++){let a=(n[i].codePointAt(0)??0)-(r[i].codePointAt(0)??0);if(a!==0)return a}return n.length-r.length}function Nn(e){switch(e){case"à":case"â":case"ä":case"á":return"a";case"é":case"è":case"ê":case"ë":return"e";case"î":case"ï":case"í":return"i";case"ô":case"ö":case"ó":return"o";case"ù":case"û":case"ü":case"ú":return"u";case"ç":return"c";case"ÿ":return"y";case"œ":return"oe";case"æ":return"ae";default:return e}}var It=64,Fn=[["né","birth"],["née","birth"],["né(e)","birth"],["naissance","birth"],["ddn","birth"],["date of birth","birth"],["birth date","birth"],["born","birth"],["dob","birth"],["cni","cni"],["carte nationale d'identité","cni"],["carte nationale d’identité","cni"],["carte d'identité","cni"],["carte d’identité","cni"],["pièce d'identité","cni"],["pièce d’identité","cni"],["identity card","cni"],["passeport","passport"],["passport","passport"],["adeli","adeli"]];function St(){let e=new K,t=[];for(let[n,r]of Fn)for(let i of le(n))e.add(i),t.push(r);return{dictionary:e,triggers:t}}function Tt(e,t,n,r){let i=0;for(let s of n){if(s<i)continue;let l=e.dictionary.longestAt(t,s);if(l<0)continue;let o=e.dictionary.matchEnd;if(oe(t,o))continue;let u=e.triggers[l];if(u===void 0)continue;i=o;let c;switch(u){case"birth":c=qn(t,o);break;case"cni":c=Ct(t,o,a);break;case"passport":c=Ct(t,o,(f,d)=>Hn(t,f,d)?Pn:null);break;case"adeli":c=Kn(t,o);break}c!==null&&r.push(c)}function a(s,l){if(l-s===12)return wt(t,s,s+4)&&At(t,s+4,s+7)&&wt(t,s+7,l)?Bn:null;if(l-s!==9||!At(t,s,l))return null;let o=!1,u=!1;for(let c=s;c<l;c++)h(t[c])?o=!0:u=!0;return o&&u?Rn:null}}var Pn=["passport",.9],Bn=["cni",.85],Rn=["cni",.8];function wt(e,t,n){for(let r=t;r<n;r++)if(!h(e[r]))return!1;return!0}function At(e,t,n){for(let r=t;r<n;r++)if(!(h(e[r])||N(e[r])))return!1;return!0}function kt(e,t){let n=Math.min(t+It,e.length),r=ae(e,t,n);return r<0||r>0&&C(e[r-1])?-1:r}function qn(e,t){let n=kt(e,t);if(n<0)return null;let r=yt(e,n);return r<0?null:{kind:"birthdate",start:n,end:r,confidence:y(.9)}}function Ct(e,t,n){let r=Math.min(t+It,e.length),i=t;for(;i<r;){if(!C(e[i])){i+=1;continue}let a=i;for(;C(e[a]);)a+=1;let s=n(i,a);if(s!==null)return{kind:s[0],start:i,end:a,confidence:y(s[1])};i=a}return null}function Hn(e,t,n){if(n-t!==9)return!1;for(let r=t;r<n;r++){let i=r-t;if(i===2||i===3?!N(e[r]):!h(e[r]))return!1}return!0}function Kn(e,t){let n=kt(e,t);if(n<0)return null;let r=n,i=0;for(;;){let a=r;for(;h(e[a]);)a+=1;if(i+=a-r,i>9||C(e[a]))return null;let s=_(e,a);if(i===9)return s>0&&h(e[a+s])?null:{kind:"adeli",start:n,end:a,confidence:y(.85)};if(s===0||!h(e[a+s]))return null;r=a+s}}var Et=`# French health terms for the \`health\` detector: term, weight, category.
# Weight (0-1): how strongly the term alone points to health data; a match is reported
# when its weight plus the boost of nearby terms and context words reaches 0.5.
# Categories: diagnosis, treatment, disability, care; \`context\` words are never reported,
# they only raise the score of terms near them. A term written in capitals (VIH, AVC) is
# an acronym and matches only in capitals; others ignore case and accents.
# Sources: common French terms of clinical and social-care writing (ALD list, CIM-10
# chapter titles, medico-social services); no personal data.
# diagnoses
cancer	0.6	diagnosis
cancer du sein	0.9	diagnosis
cancer du poumon	0.9	diagnosis
cancer de la prostate	0.9	diagnosis
cancer colorectal	0.9	diagnosis
tumeur	0.6	diagnosis
tumeur maligne	0.9	diagnosis
tumeur bénigne	0.8	diagnosis
carcinome	0.9	diagnosis
adénocarcinome	0.9	diagnosis
sarcome	0.9	diagnosis
lymphome	0.9	diagnosis
leucémie	0.9	diagnosis
myélome	0.9	diagnosis
mélanome	0.9	diagnosis
glioblastome	0.9	diagnosis
métastase	0.9	diagnosis
métastases	0.9	diagnosis
néoplasie	0.9	diagnosis
oncologie	0.7	care
diabète	0.7	diagnosis
diabète de type 1	0.9	diagnosis
diabète de type 2	0.9	diagnosis
diabétique	0.7	diagnosis
diabète gestationnel	0.9	diagnosis
hypertension artérielle	0.8	diagnosis
hypertension	0.5	diagnosis
HTA	0.6	diagnosis
hypercholestérolémie	0.8	diagnosis
infarctus	0.7	diagnosis
infarctus du myocarde	0.9	diagnosis
insuffisance cardiaque	0.9	diagnosis
insuffisance rénale	0.9	diagnosis
insuffisance respiratoire	0.9	diagnosis
insuffisance hépatique	0.9	diagnosis
cardiopathie	0.9	diagnosis
arythmie	0.8	diagnosis
fibrillation auriculaire	0.9	diagnosis
angine de poitrine	0.8	diagnosis
AVC	0.7	diagnosis
accident vasculaire cérébral	0.9	diagnosis
embolie pulmonaire	0.9	diagnosis
thrombose	0.8	diagnosis
phlébite	0.8	diagnosis
anévrisme	0.8	diagnosis
cirrhose	0.9	diagnosis
hépatite	0.8	diagnosis
hépatite B	0.9	diagnosis
hépatite C	0.9	diagnosis
VIH	0.9	diagnosis
sida	0.8	diagnosis
séropositif	0.9	diagnosis
séropositive	0.9	diagnosis
séropositivité	0.9	diagnosis
infection sexuellement transmissible	0.9	diagnosis
IST	0.45	diagnosis
syphilis	0.9	diagnosis
tuberculose	0.9	diagnosis
méningite	0.9	diagnosis
septicémie	0.9	diagnosis
pneumonie	0.7	diagnosis
bronchite chronique	0.8	diagnosis
covid-19	0.5	diagnosis
covid long	0.8	diagnosis
épilepsie	0.9	diagnosis
épileptique	0.8	diagnosis
crise d'épilepsie	0.9	diagnosis
maladie d'Alzheimer	0.9	diagnosis
alzheimer	0.8	diagnosis
maladie de Parkinson	0.9	diagnosis
parkinson	0.7	diagnosis
démence	0.7	diagnosis
troubles cognitifs	0.8	diagnosis
sclérose en plaques	0.9	diagnosis
sclérose latérale amyotrophique	0.9	diagnosis
maladie de Charcot	0.9	diagnosis
myopathie	0.9	diagnosis
mucoviscidose	0.9	diagnosis
drépanocytose	0.9	diagnosis
hémophilie	0.9	diagnosis
maladie de Crohn	0.9	diagnosis
rectocolite hémorragique	0.9	diagnosis
maladie cœliaque	0.8	diagnosis
polyarthrite rhumatoïde	0.9	diagnosis
spondylarthrite	0.9	diagnosis
lupus	0.8	diagnosis
fibromyalgie	0.9	diagnosis
arthrose	0.6	diagnosis
ostéoporose	0.7	diagnosis
hernie discale	0.7	diagnosis
lombalgie	0.6	diagnosis
asthme	0.7	diagnosis
asthmatique	0.7	diagnosis
BPCO	0.8	diagnosis
bronchopneumopathie chronique obstructive	0.9	diagnosis
apnée du sommeil	0.8	diagnosis
hypothyroïdie	0.8	diagnosis
hyperthyroïdie	0.8	diagnosis
obésité	0.6	diagnosis
obésité morbide	0.9	diagnosis
anorexie	0.7	diagnosis
anorexie mentale	0.9	diagnosis
boulimie	0.8	diagnosis
troubles du comportement alimentaire	0.9	diagnosis
dénutrition	0.7	diagnosis
schizophrénie	0.9	diagnosis
schizophrène	0.9	diagnosis
trouble bipolaire	0.9	diagnosis
troubles bipolaires	0.9	diagnosis
bipolaire	0.6	diagnosis
psychose	0.9	diagnosis
paranoïa	0.7	diagnosis
dépression	0.4	diagnosis
syndrome dépressif	0.9	diagnosis
épisode dépressif	0.9	diagnosis
état dépressif	0.9	diagnosis
dépressif	0.6	diagnosis
dépressive	0.6	diagnosis
burn-out	0.6	diagnosis
trouble anxieux	0.8	diagnosis
troubles anxieux	0.8	diagnosis
trouble panique	0.8	diagnosis
attaques de panique	0.7	diagnosis
anxiété généralisée	0.8	diagnosis
phobie	0.5	diagnosis
trouble obsessionnel compulsif	0.9	diagnosis
TOC	0.6	diagnosis
stress post-traumatique	0.9	diagnosis
syndrome de stress post-traumatique	0.9	diagnosis
trouble de la personnalité	0.9	diagnosis
personnalité borderline	0.9	diagnosis
autisme	0.8	diagnosis
autiste	0.8	diagnosis
trouble du spectre de l'autisme	0.9	diagnosis
TSA	0.45	diagnosis
syndrome d'Asperger	0.9	diagnosis
TDAH	0.8	diagnosis
hyperactivité	0.5	diagnosis
trouble du déficit de l'attention	0.9	diagnosis
dyslexie	0.7	diagnosis
dyspraxie	0.7	diagnosis
trisomie 21	0.9	diagnosis
trisomie	0.8	diagnosis
syndrome de Down	0.9	diagnosis
infirmité motrice cérébrale	0.9	diagnosis
paralysie cérébrale	0.9	diagnosis
addiction	0.5	diagnosis
alcoolisme	0.8	diagnosis
alcoolodépendance	0.9	diagnosis
dépendance à l'alcool	0.9	diagnosis
toxicomanie	0.8	diagnosis
toxicomane	0.8	diagnosis
usage de stupéfiants	0.7	diagnosis
tentative de suicide	0.9	diagnosis
idées suicidaires	0.9	diagnosis
risque suicidaire	0.9	diagnosis
automutilation	0.9	diagnosis
scarifications	0.7	diagnosis
grossesse	0.5	diagnosis
enceinte	0.5	diagnosis
grossesse extra-utérine	0.9	diagnosis
interruption volontaire de grossesse	0.9	care
IVG	0.9	care
interruption médicale de grossesse	0.9	care
fausse couche	0.7	diagnosis
infertilité	0.8	diagnosis
stérilité	0.6	diagnosis
endométriose	0.9	diagnosis
ménopause	0.5	diagnosis
dysfonction érectile	0.9	diagnosis
cataracte	0.7	diagnosis
glaucome	0.8	diagnosis
dégénérescence maculaire	0.9	diagnosis
rétinopathie	0.9	diagnosis
acouphènes	0.6	diagnosis
migraine	0.5	diagnosis
maladie rare	0.7	diagnosis
maladie chronique	0.7	diagnosis
maladie génétique	0.8	diagnosis
allergie	0.4	diagnosis
eczéma	0.5	diagnosis
psoriasis	0.7	diagnosis
pathologie	0.4	diagnosis
comorbidité	0.7	diagnosis
comorbidités	0.7	diagnosis
fracture	0.4	diagnosis
traumatisme crânien	0.8	diagnosis
coma	0.6	diagnosis
état végétatif	0.9	diagnosis
escarre	0.8	diagnosis
incontinence	0.8	diagnosis
insuffisance veineuse	0.8	diagnosis
# treatments
chimiothérapie	0.9	treatment
radiothérapie	0.9	treatment
immunothérapie	0.8	treatment
hormonothérapie	0.8	treatment
curiethérapie	0.9	treatment
trithérapie	0.9	treatment
traitement antirétroviral	0.9	treatment
antirétroviral	0.9	treatment
antirétroviraux	0.9	treatment
PrEP	0.8	treatment
prophylaxie pré-exposition	0.9	treatment
insuline	0.6	treatment
insulinothérapie	0.9	treatment
metformine	0.8	treatment
antidépresseur	0.8	treatment
antidépresseurs	0.8	treatment
anxiolytique	0.8	treatment
anxiolytiques	0.8	treatment
neuroleptique	0.9	treatment
neuroleptiques	0.9	treatment
antipsychotique	0.9	treatment
antipsychotiques	0.9	treatment
benzodiazépine	0.8	treatment
benzodiazépines	0.8	treatment
thymorégulateur	0.9	treatment
hypnotique	0.5	treatment
somnifère	0.6	treatment
somnifères	0.6	treatment
lithium	0.5	treatment
méthadone	0.9	treatment
buprénorphine	0.9	treatment
Subutex	0.9	treatment
traitement de substitution aux opiacés	0.9	treatment
morphine	0.7	treatment
opioïde	0.7	treatment
opioïdes	0.7	treatment
tramadol	0.7	treatment
codéine	0.6	treatment
oxycodone	0.8	treatment
fentanyl	0.7	treatment
paracétamol	0.4	treatment
ibuprofène	0.4	treatment
anti-inflammatoire	0.4	treatment
corticoïdes	0.6	treatment
corticothérapie	0.8	treatment
antibiotique	0.4	treatment
antibiotiques	0.4	treatment
antibiothérapie	0.7	treatment
anticoagulant	0.7	treatment
anticoagulants	0.7	treatment
antiagrégant plaquettaire	0.8	treatment
bêtabloquant	0.7	treatment
antihypertenseur	0.7	treatment
statine	0.6	treatment
statines	0.6	treatment
lévothyrox	0.7	treatment
lévothyroxine	0.7	treatment
valproate	0.8	treatment
dépakine	0.9	treatment
antiépileptique	0.9	treatment
antiépileptiques	0.9	treatment
rispéridone	0.9	treatment
olanzapine	0.9	treatment
clozapine	0.9	treatment
aripiprazole	0.9	treatment
halopéridol	0.9	treatment
quétiapine	0.9	treatment
sertraline	0.9	treatment
fluoxétine	0.9	treatment
paroxétine	0.9	treatment
escitalopram	0.9	treatment
citalopram	0.9	treatment
venlafaxine	0.9	treatment
duloxétine	0.9	treatment
mirtazapine	0.9	treatment
alprazolam	0.9	treatment
bromazépam	0.9	treatment
diazépam	0.9	treatment
lorazépam	0.9	treatment
oxazépam	0.9	treatment
zolpidem	0.8	treatment
zopiclone	0.8	treatment
prégabaline	0.8	treatment
gabapentine	0.8	treatment
méthylphénidate	0.9	treatment
ritaline	0.9	treatment
méthotrexate	0.9	treatment
tamoxifène	0.9	treatment
létrozole	0.9	treatment
trastuzumab	0.9	treatment
adalimumab	0.9	treatment
interféron	0.8	treatment
warfarine	0.8	treatment
apixaban	0.8	treatment
rivaroxaban	0.8	treatment
héparine	0.7	treatment
dialyse	0.8	treatment
hémodialyse	0.9	treatment
dialyse péritonéale	0.9	treatment
greffe	0.5	treatment
greffe de rein	0.9	treatment
greffe de moelle	0.9	treatment
transplantation	0.7	treatment
transplantation rénale	0.9	treatment
transfusion	0.7	treatment
pontage coronarien	0.9	treatment
angioplastie	0.9	treatment
stimulateur cardiaque	0.8	treatment
pacemaker	0.7	treatment
prothèse de hanche	0.8	treatment
mastectomie	0.9	treatment
hystérectomie	0.9	treatment
appendicectomie	0.8	treatment
amputation	0.8	treatment
stomie	0.9	treatment
trachéotomie	0.9	treatment
sonde urinaire	0.8	treatment
oxygénothérapie	0.8	treatment
ventilation non invasive	0.8	treatment
électroconvulsivothérapie	0.9	treatment
sismothérapie	0.9	treatment
psychothérapie	0.7	treatment
thérapie cognitivo-comportementale	0.8	treatment
sevrage	0.5	treatment
sevrage alcoolique	0.9	treatment
cure de désintoxication	0.9	treatment
traitement	0.2	treatment
posologie	0.6	treatment
ordonnance	0.35	care
prescription médicale	0.6	care
vaccination	0.3	treatment
contraception	0.5	treatment
pilule contraceptive	0.7	treatment
procréation médicalement assistée	0.9	treatment
PMA	0.6	treatment
fécondation in vitro	0.9	treatment
FIV	0.5	treatment
# disability
handicap	0.5	disability
situation de handicap	0.6	disability
handicap psychique	0.9	disability
handicap mental	0.9	disability
handicap moteur	0.9	disability
handicap sensoriel	0.9	disability
polyhandicap	0.9	disability
polyhandicapé	0.9	disability
handicapé	0.5	disability
handicapée	0.5	disability
invalidité	0.6	disability
pension d'invalidité	0.8	disability
carte mobilité inclusion	0.8	disability
carte d'invalidité	0.8	disability
taux d'incapacité	0.8	disability
incapacité permanente	0.8	disability
allocation aux adultes handicapés	0.9	disability
AAH	0.7	disability
allocation d'éducation de l'enfant handicapé	0.9	disability
AEEH	0.8	disability
prestation de compensation du handicap	0.9	disability
PCH	0.6	disability
reconnaissance de la qualité de travailleur handicapé	0.9	disability
RQTH	0.8	disability
MDPH	0.7	disability
maison départementale des personnes handicapées	0.8	disability
CDAPH	0.8	disability
ESAT	0.6	disability
IME	0.45	disability
ITEP	0.6	disability
SESSAD	0.7	disability
foyer d'accueil médicalisé	0.8	disability
maison d'accueil spécialisée	0.8	disability
paraplégie	0.9	disability
paraplégique	0.9	disability
tétraplégie	0.9	disability
tétraplégique	0.9	disability
hémiplégie	0.9	disability
hémiplégique	0.9	disability
fauteuil roulant	0.6	disability
surdité	0.7	disability
sourd	0.4	disability
malentendant	0.6	disability
malentendante	0.6	disability
appareil auditif	0.6	disability
implant cochléaire	0.9	disability
cécité	0.8	disability
non-voyant	0.7	disability
malvoyant	0.7	disability
malvoyante	0.7	disability
déficience visuelle	0.8	disability
déficience intellectuelle	0.9	disability
retard mental	0.9	disability
retard psychomoteur	0.9	disability
perte d'autonomie	0.6	disability
dépendance	0.25	disability
GIR	0.4	disability
allocation personnalisée d'autonomie	0.7	disability
APA	0.4	disability
aidant familial	0.5	disability
aide humaine	0.4	disability
tutelle	0.4	disability
curatelle	0.5	disability
mesure de protection juridique	0.6	disability
# care
hospitalisation	0.6	care
hospitalisé	0.6	care
hospitalisée	0.6	care
hospitalisation complète	0.8	care
hospitalisation de jour	0.8	care
hospitalisation à domicile	0.8	care
hospitalisation sous contrainte	0.9	care
soins psychiatriques	0.9	care
soins psychiatriques sans consentement	0.9	care
soins sans consentement	0.9	care
hospitalisation d'office	0.9	care
mise en chambre d'isolement	0.9	care
contention	0.5	care
psychiatrie	0.7	care
psychiatre	0.6	care
pédopsychiatre	0.8	care
pédopsychiatrie	0.8	care
psychologue	0.4	care
centre médico-psychologique	0.8	care
CMP	0.5	care
CMPP	0.7	care
CSAPA	0.8	care
CAARUD	0.8	care
addictologie	0.8	care
addictologue	0.8	care
soins palliatifs	0.9	care
fin de vie	0.6	care
directives anticipées	0.8	care
réanimation	0.7	care
soins intensifs	0.8	care
urgences psychiatriques	0.9	care
passage aux urgences	0.6	care
bloc opératoire	0.7	care
intervention chirurgicale	0.7	care
compte rendu opératoire	0.9	care
compte rendu d'hospitalisation	0.9	care
compte rendu de consultation	0.8	care
lettre de liaison	0.6	care
dossier médical	0.7	care
dossier médical partagé	0.8	care
secret médical	0.6	care
certificat médical	0.7	care
arrêt de travail	0.6	care
arrêt maladie	0.7	care
congé maladie	0.6	care
congé de longue maladie	0.9	care
congé de longue durée	0.7	care
affection de longue durée	0.9	care
ALD	0.6	care
ALD 30	0.9	care
accident du travail	0.5	care
maladie professionnelle	0.6	care
médecine du travail	0.5	care
inaptitude	0.5	care
mi-temps thérapeutique	0.9	care
temps partiel thérapeutique	0.9	care
biopsie	0.8	care
IRM	0.5	care
scanner cérébral	0.8	care
scintigraphie	0.8	care
radiographie	0.4	care
échographie	0.5	care
mammographie	0.8	care
coloscopie	0.8	care
endoscopie	0.7	care
électrocardiogramme	0.7	care
électroencéphalogramme	0.8	care
bilan sanguin	0.5	care
prise de sang	0.5	care
analyses de sang	0.5	care
sérologie	0.7	care
charge virale	0.9	care
glycémie	0.7	care
hémoglobine glyquée	0.9	care
HbA1c	0.9	care
test de grossesse	0.8	care
dépistage	0.4	care
kinésithérapie	0.5	care
kinésithérapeute	0.4	care
orthophonie	0.6	care
orthophoniste	0.5	care
ergothérapie	0.6	care
rééducation	0.5	care
rééducation fonctionnelle	0.7	care
soins infirmiers	0.6	care
soins à domicile	0.6	care
SSIAD	0.7	care
HAD	0.45	care
EHPAD	0.5	care
unité de soins de longue durée	0.8	care
USLD	0.7	care
soins de suite et de réadaptation	0.8	care
SSR	0.4	care
maternité	0.4	care
accouchement	0.5	care
césarienne	0.8	care
suivi de grossesse	0.8	care
PMI	0.45	care
planning familial	0.6	care
consultation mémoire	0.9	care
médecin traitant	0.5	care
antécédents médicaux	0.8	care
antécédents psychiatriques	0.9	care
antécédents chirurgicaux	0.8	care
diagnostic	0.3	care
pronostic vital	0.8	care
symptômes	0.4	care
effets indésirables	0.6	care
allergie médicamenteuse	0.8	care
carnet de santé	0.7	care
carte vitale	0.5	care
complémentaire santé solidaire	0.6	care
aide médicale de l'état	0.7	care
AME	0.4	care
# context words: raise the score of nearby terms, never reported alone
patient	0	context
patiente	0	context
patients	0	context
diagnostiqué	0	context
diagnostiquée	0	context
atteint de	0	context
atteinte de	0	context
souffre de	0	context
souffrant de	0	context
suivi pour	0	context
suivie pour	0	context
traité pour	0	context
traitée pour	0	context
antécédents	0	context
médecin	0	context
docteur	0	context
Dr	0	context
hôpital	0	context
clinique	0	context
CHU	0	context
CHS	0	context
service de	0	context
prescrit	0	context
prescrite	0	context
examen clinique	0	context
consultation	0	context
infirmière	0	context
infirmier	0	context
santé	0	context
médical	0	context
médicale	0	context
thérapeutique	0	context
`;var $n=y(.5),Ut=200,jn=y(.15),Zn=3,Gn=y(.25);function Dt(e=Et){let t=new K,n=[],r=0;return e.split(`
`).forEach((i,a,s)=>{if(a===s.length-1&&i==="")return;let l=i.trim();if(l===""||l.startsWith("#"))return;let[o,u,c]=l.split("	");if(o===void 0||u===void 0||c===void 0)return;let f=Vn(u.trim());if(f===null)return;let d=new RegExp("\\p{Alphabetic}","u").test(o)&&!new RegExp("\\p{Lowercase}","u").test(o),m={id:a,weight:f,context:c.trim()==="context",exactCase:d};r+=1;for(let x of d?[o]:le(o))t.add(x),n.push(m)}),{dictionary:t,terms:n,lines:r}}function Vn(e){return/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(e)?y(Number(e)):null}function Yn(e,t){if(e.length!==t.length)return!1;for(let n=0;n<e.length;n++)if(e[n]!==t[n])return!1;return!0}function zt(e,t,n,r){let i=[],a=0;for(let o of n){if(o<a)continue;let u=e.dictionary.longestAt(t,o);if(u<0)continue;let c=e.dictionary.matchEnd,f=e.terms[u],d=e.dictionary.patterns[u];f===void 0||d===void 0||f.exactCase&&!Yn(d,t.subarray(o,c))||oe(t,c)||(a=c,i.push({start:o,end:c,term:f}))}let s=0,l=0;for(let o of i){if(o.term.context)continue;for(;i[s].end+Ut<o.start;)s+=1;for(;l+1<i.length&&i[l+1].start<=o.end+Ut;)l+=1;let u=[],c=!1;for(let d=s;d<=l;d++){let m=i[d].term;m.id!==o.term.id&&(m.context?c=!0:!u.includes(m.id)&&u.length<Zn&&u.push(m.id))}let f=y(o.term.weight+y(jn*u.length));f=y(f+(c?Gn:0)),f=Math.min(f,1),f>=$n&&r.push({kind:"health",start:o.start,end:o.end,confidence:f})}}var Xn={nir:[3,2],iban:[4,2],card:[0,4],rib:[0,2],cni:[0,2],passport:[0,2],birthdate:[0,2],email:[1,2],health:[1,0],finess:[2,2],rpps:[2,2],adeli:[2,2],siren:[2,2],siret:[2,2],phone:[2,2]},_n=new TextDecoder;function Mt(e,t){let n=0;for(let l of t){if(l>=128)return Jn(e,_n.decode(t));E(l)&&(n+=1)}let[r,i]=Lt(e,n),a="",s=0;for(let l=0;l<t.length;l++){let o=t[l];E(o)&&(s<r||s>=n-i||(o=42),s+=1),a+=String.fromCharCode(o)}return a}function Lt(e,t){let[n,r]=Xn[e];for(;n+r>0&&2*(n+r)>t;)r>=n?r-=1:n-=1;return[n,r]}function Jn(e,t){let n=[...t],r=n.filter(o=>q(o.codePointAt(0)??-1)).length,[i,a]=Lt(e,r),s=0,l="";for(let o of n){if(!q(o.codePointAt(0)??-1)){l+=o;continue}l+=s<i||s>=r-a?o:"*",s+=1}return l}var Qn=64,er=253;function Ot(e,t){let n=0,r=e.indexOf(64);for(;r>=0;){if(r>=n){let i=rr(e,r,n),a=i<0?-1:ir(e,r+1);i>=0&&a>=0&&(t.push({kind:"email",start:i,end:a,confidence:y(.95)}),n=a)}r=tr(e,r+1)}}function tr(e,t){let n=Math.min(t+32,e.length);for(let r=t;r<n;r++)if(e[r]===64)return r;return n<e.length?e.indexOf(64,n):-1}function nr(e){return E(e)||e===46||e===95||e===37||e===43||e===45||e===39}function rr(e,t,n){let r=t;for(;r>n&&nr(e[r-1]);)if(r-=1,t-r>Qn)return-1;for(;r<t&&(e[r]===46||e[r]===39);)r+=1;return r<t?r:-1}function ir(e,t){let n=t;for(;n<e.length&&(E(e[n])||e[n]===46||e[n]===45);)if(n+=1,n-t>er)return-1;for(;n>t&&(e[n-1]===46||e[n-1]===45);)n-=1;let r=-1,i=t;for(let a=t;a<=n;a++)if(a===n||e[a]===46){if(a===i||e[i]===45)return-1;a<n&&(r=a),i=a+1}if(r<0||n-r-1<2)return-1;for(let a=r+1;a<n;a++)if(!X(e[a]))return-1;return n}function Q(e){if(e.length===0)return!1;let t=0;for(let n=0;n<e.length;n++){let r=e[e.length-1-n];if(!h(r))return!1;let i=r-48;n%2===1&&(i*=2,i>9&&(i-=9)),t+=i}return t%10===0}function Ue(e){let t=0;for(let n=0;n<e.length;n++){let r=e[n];if(!h(r))return-1;t=(t*10+(r-48))%97}return t}function Nt(e,t){return h(e)&&h(t)?(e-48)*10+(t-48):-1}function De(e){if(e.length!==15)return!1;let t=e[0];if(!(t===49||t===50||t===51||t===52||t===55||t===56))return!1;let[n,r,i,a,s]=[e[1],e[2],e[3],e[4],e[5]];if(!(h(n)&&h(r)&&h(i)&&h(a)))return!1;let l=(i-48)*10+(a-48);if(!(l>=1&&l<=12||l===20||l>=30&&l<=42||l>=50))return!1;let o=H(e[6]),u,c;if(s===50&&o===65)[u,c]=[49,57];else if(s===50&&o===66)[u,c]=[49,56];else if(h(s)&&h(o)&&!(s===48&&o===48))[u,c]=[s,o];else return!1;if(e[10]===48&&e[11]===48&&e[12]===48)return!1;let f=0;for(let m of[t,n,r,i,a,u,c])f=(f*10+(m-48))%97;for(let m=7;m<13;m++){let x=e[m];if(!h(x))return!1;f=(f*10+(x-48))%97}let d=Nt(e[13],e[14]);return d>=0&&d===97-f}function Ft(e){if(e.length<4||ze(e[0],e[1])!==e.length||!h(e[2])||!h(e[3]))return!1;for(let n=4;n<e.length;n++)if(!E(e[n]))return!1;let t=0;for(let n=0;n<e.length;n++){let r=e[(n+4)%e.length],i;if(h(r))i=r-48;else if(r>=65&&r<=90)i=r-65+10;else if(r>=97&&r<=122)i=r-97+10;else return!1;t=i<10?(t*10+i)%97:(t*100+i)%97}return t===1}function ze(e,t){return ar.get(String.fromCharCode(e,t))??-1}var ar=new Map(Object.entries({AD:24,AE:23,AL:28,AT:20,AZ:28,BA:20,BE:16,BG:22,BH:22,BI:27,BR:29,BY:28,CH:21,CR:22,CY:28,CZ:24,DE:22,DJ:27,DK:18,DO:28,EE:20,EG:29,ES:24,FI:18,FK:18,FO:18,FR:27,GB:22,GE:22,GI:23,GL:18,GR:27,GT:28,HN:28,HR:21,HU:28,IE:22,IL:23,IQ:23,IS:26,IT:27,JO:30,KW:30,KZ:20,LB:28,LC:32,LI:21,LT:20,LU:20,LV:21,LY:25,MC:27,MD:24,ME:22,MK:19,MN:20,MR:27,MT:31,MU:30,NI:28,NL:18,NO:15,OM:23,PK:24,PL:28,PS:29,PT:25,QA:29,RO:24,RS:22,RU:33,SA:24,SC:31,SD:18,SE:24,SI:19,SK:24,SM:27,SO:23,ST:25,SV:28,TL:23,TN:24,TR:26,UA:29,VA:22,VG:24,XK:20,YE:30}));function Me(e){if(e.length!==23)return!1;let t=[];for(let s of e.subarray(10,21)){let l=or(s);if(l<0)return!1;t.push(l)}let n=Ue(e.subarray(0,5)),r=Ue(e.subarray(5,10)),i=Ue(t),a=Nt(e[21],e[22]);return n<0||r<0||i<0||a<0?!1:a===97-(89*n+15*r+3*i)%97}function or(e){let t=H(e);return h(t)?t:t>=65&&t<=73?49+(t-65):t>=74&&t<=82?49+(t-74):t>=83&&t<=90?50+(t-83):-1}function Pt(e){if(e.length!==14||!e.every(n=>h(n)))return!1;if(Q(e))return!0;let t=e.reduce((n,r)=>n+r-48,0);return String.fromCharCode(...e.subarray(0,9))==="356000000"&&t%5===0}function Bt(e){return sr(e)&&Q(e)}function sr(e){let t=e.length;if(t<12||t>19||!e.every(i=>h(i)))return!1;let n=i=>e.subarray(0,i).reduce((a,s)=>a*10+s-48,0),r=e[0];if(r===52)return t===13||t===16||t===19;if(r===51){let i=n(2);if(i===34||i===37)return t===15;let a=n(4);if(a>=3528&&a<=3589)return t>=16;let s=n(3);return i===36||i===38||i===39||s>=300&&s<=305?t>=14:!1}if(r===53){let i=n(2);return i>=51&&i<=55?t===16:i===50||i>=56&&i<=58}if(r===50){let i=n(4);return i>=2221&&i<=2720&&t===16}return r===54}var fe=23,ue=40,W=4*fe,Oe=class{count=0;truncated=!1;starts=new Int32Array(W);ends=new Int32Array(W);compactStarts=new Int32Array(W);compactEnds=new Int32Array(W);compact=new Uint8Array(W*64);compactLength=0;span={start:0,end:0,boundaries:0,atRunStart:!1};spans=Array.from({length:fe+1},(t,n)=>new Uint8Array(n));collect(t,n){this.count=0,this.compactLength=0,this.truncated=!1;let r=n;for(;;){let i=Ne(t,r);if(!Sr(t,r,i))return this.count===0?i:r;if(this.count===W)return this.truncated=!0,r;let a=this.compactLength;if(this.compactLength+(i-r)>this.compact.length){let o=new Uint8Array(2*(this.compactLength+(i-r)));o.set(this.compact.subarray(0,this.compactLength)),this.compact=o}for(let o=r;o<i;o++)this.compact[this.compactLength++]=H(t[o]);this.starts[this.count]=r,this.ends[this.count]=i,this.compactStarts[this.count]=a,this.compactEnds[this.count]=this.compactLength,this.count+=1;let s=_(t,i),l=i+s;if(s===0||!h(t[l]))return i;r=l}}classify(t,n,r,i,a){let s=this.span;for(let l=0;l<i;l++){let o=this.compactStarts[l],u=0;for(let c=l;c<this.count;c++){let f=this.compactEnds[c],d=f-o;if(d>fe||c-l>=2&&f-this.compactStarts[c]===1)break;if(d>=9){s.start=this.starts[l],s.end=this.ends[c],s.boundaries=u,s.atRunStart=r&&l===0;let m=this.spans[d];for(let v=0;v<d;v++)m[v]=this.compact[o+v];let x=Cr(t,m,s,n);x!==null&&a.push(x)}u|=1<<d}}}};function z(e){return e.reduce((t,n)=>t|1<<n,0)}var ur=z([3,6]),fr=z([2,3,6]),cr=z([2,4,6,8]),dr=z([2,3,5,7,9]),hr=z([4,5,7,9,11]),pr=z([3,6,9]),Rt=z([1,3,5,7,10,13]),qt=z([5,10,21]),mr=z([4,8,12,16]),gr=z([4,10]);function U(e,t){return(e.boundaries&~t)===0}function xr(e,t){return e.boundaries===0||e.boundaries===t}function vr(e){for(let t=0;t<e.length;t++)if(X(e[t]))return!0;return!1}var br=["adeli"],yr=["finess"],wr=["siren","siret","rcs","entreprise","societe"],Ar=["rpps"];function S(e,t,n){return{kind:t,start:e.start,end:e.end,confidence:y(n)}}function Le(e,t){if(e.length<t.length)return!1;for(let n=0;n<t.length;n++)if(e[n]!==t.charCodeAt(n))return!1;return!0}function Cr(e,t,n,r){let i=t.length;if(vr(t))return i===15&&U(n,Rt)&&De(t)?S(n,"nir",.95):i===23&&U(n,qt)&&Me(t)?S(n,"rib",.95):null;if(i===9)return!(U(n,fr)&&Q(t))||J(e,n.start,ue,br)?null:J(e,n.start,ue,yr)?S(n,"finess",.95):U(n,ur)?S(n,"siren",J(e,n.start,ue,wr)?.95:.7):null;if(i===10)return t[0]===48&&t[1]!==48&&xr(n,cr)?S(n,"phone",n.boundaries===0?.7:.85):null;if(i===11){if(r&&n.atRunStart&&Le(t,"33")&&t[2]!==48&&U(n,dr))return{kind:"phone",start:n.start-1,end:n.end,confidence:y(.9)};if(n.boundaries===0&&Q(t)){if(J(e,n.start,ue,Ar))return S(n,"rpps",.95);if(Le(t,"10"))return S(n,"rpps",.7)}return null}return i===13&&Le(t,"0033")&&t[4]!==48&&U(n,hr)?S(n,"phone",.9):i===14&&U(n,pr)&&Pt(t)?S(n,"siret",.95):i===15&&U(n,Rt)&&De(t)?S(n,"nir",.95):i===23?U(n,qt)&&Me(t)?S(n,"rib",.95):null:i>=12&&i<=19&&Ir(i,n)&&Bt(t)?S(n,"card",.9):null}function Ir(e,t){return U(t,mr)||(e===14||e===15)&&U(t,gr)}function Sr(e,t,n){let r=!1,i=-1,a=0;for(let l=t;l<n;l++)h(e[l])?r=!0:(a+=1,i<0&&(i=l));if(n-t===11&&r||a===0)return!0;let s=e[i];return a===1&&(s===65||s===66||s===97||s===98)&&i>t&&e[i-1]===50}function Tr(e,t,n){if(n-t!==9||!h(e[t])||!h(e[t+1])||!N(e[t+2])||!N(e[t+3]))return!1;for(let r=t+4;r<n;r++)if(!h(e[r]))return!1;return!0}function Ne(e,t){let n=t;for(;n<e.length&&C(e[n]);)n++;return n}function kr(e,t){if(t+2>e.length)return null;let n=ze(e[t],e[t+1]);if(n<0)return null;let r=new Uint8Array(n),i=0,a=t;for(;i<n;){let s=_(e,a);s>0&&e[a]!==46&&e[a]!==45&&i>0&&(a+=s);let l=e[a];if(!E(l))return null;r[i++]=H(l),a+=1}return C(e[a])?null:Ft(r)?{kind:"iban",start:t,end:a,confidence:y(.99)}:a}function Ht(e,t){let n=new Oe,r=0;for(;;){let i=ae(e,r);if(i<0)return;if(i>0&&C(e[i-1])){let o=i-2;if(i>=2&&N(e[o])&&N(e[o+1])&&(o===0||!C(e[o-1]))){let u=kr(e,o);if(u!==null){typeof u=="number"?r=u:(t.push(u),r=u.end);continue}}r=Ne(e,i);continue}let a=n.collect(e,i);if(n.count===0){let o=Ne(e,i);Tr(e,i,o)&&t.push({kind:"passport",start:i,end:o,confidence:y(.5)}),r=o;continue}let s=i>0&&e[i-1]===43;if(!n.truncated){n.classify(e,s,!0,n.count,t),r=Math.max(a,i+1);continue}let l=!0;for(;;){let o=n.truncated,u=o?n.count-fe:n.count;if(n.classify(e,s&&l,l,u,t),!o)break;l=!1;let c=n.starts[u];a=n.collect(e,c),r=Math.max(a,c+1)}}}var Pe=class{constructor(t,n,r,i,a){this.kind=t;this.start=n;this.end=r;this.confidence=i;this.#e=a}kind;start;end;confidence;#e;#t;get excerpt(){return this.#t??=Mt(this.kind,this.#e.subarray(this.start,this.end)),this.#t}toJSON(){return{kind:this.kind,start:this.start,end:this.end,excerpt:this.excerpt,confidence:this.confidence}}},Fe=null;function Kt(e){let t=typeof e=="string"?new TextEncoder().encode(e):e;if(Fe===null){let o=St(),u=Dt();Fe={context:o,health:u,filter:vt([...o.dictionary.firstWordHashes(),...u.dictionary.firstWordHashes()])}}let n=[];Ht(t,n),Ot(t,n);let r=[],i=[],{context:a,health:s,filter:l}=Fe;return xt(t,l,(o,u)=>{a.dictionary.mayStart(u)&&r.push(o),s.dictionary.mayStart(u)&&i.push(o)}),Tt(a,t,r,n),zt(s,t,i,n),Er(t,n)}function Er(e,t){t.sort((a,s)=>a.start-s.start||a.end-s.end);let n=[],r=a=>n.push(new Pe(a.kind,a.start,a.end,a.confidence,e)),i=0;for(;i<t.length;){let a=i+1,s=t[i].end;for(;a<t.length&&t[a].start<s;)s=Math.max(s,t[a].end),a+=1;a===i+1?r(t[i]):Dr(t.slice(i,a)).sort((l,o)=>l.start-o.start).forEach(r),i=a}return n}var Ur=32;function Dr(e){e.sort((a,s)=>s.end-s.start-(a.end-a.start)||s.confidence-a.confidence||a.start-s.start);let t=[];if(e.length<=Ur){for(let a of e)t.some(s=>s.start<a.end&&a.start<s.end)||t.push(a);return t}let n=1/0,r=0;for(let a of e)n=Math.min(n,a.start),r=Math.max(r,a.end);let i=new Uint32Array(r-n+1);for(let a of e){let s=a.start-n,l=a.end-n,o=!1;if(s===l)o=s>0&&i[s-1]!==0&&i[s-1]===i[s];else for(let u=s;u<l&&!o;u++)o=i[u]!==0;o||(t.push(a),i.fill(t.length,s,l))}return t}var zr=3;async function Wt(e,t=()=>{}){let n={kinds:new Map,notInspectable:0},r=[],i=e.reduce((s,l)=>s+l.size,0),a=0;for(let s of e){t(a,i);let l=[],o=null;if(s.size>Ae.maxFileBytes)o="too-large";else{let u=dt(await s.bytes(),s.name);"text"in u?(l=Kt(u.text),o=u.unread??null):o=u.notInspectable}o!==null&&(n.notInspectable+=1),Ye(n,l),r.push({name:s.name,notInspectable:o,kinds:Mr(l)}),a+=s.size,await new Promise(u=>setTimeout(u,0))}return t(i,i),{labels:n,files:r}}function Mr(e){let t=new Map;for(let n of e){let r=t.get(n.kind);r===void 0&&(r={kind:n.kind,count:0,excerpts:[]},t.set(n.kind,r)),r.count+=1,r.excerpts.length<zr&&!r.excerpts.includes(n.excerpt)&&r.excerpts.push(n.excerpt)}return[...t.values()]}var ee=self;ee.onmessage=e=>{ee.postMessage({ready:!0});let t=e.data.files;Wt(t.map(n=>({name:n.name,size:n.size,bytes:async()=>new Uint8Array(await n.arrayBuffer())})),(n,r)=>ee.postMessage({progress:[n,r]})).then(n=>ee.postMessage({inspection:n})).catch(n=>ee.postMessage({error:n instanceof Error?n.name:"error"}))};
/*! Bundled license information:

smol-toml/dist/error.js:
smol-toml/dist/primitive.js:
smol-toml/dist/date.js:
smol-toml/dist/extract.js:
smol-toml/dist/util.js:
smol-toml/dist/struct.js:
smol-toml/dist/parse.js:
smol-toml/dist/stringify.js:
smol-toml/dist/index.js:
  (*!
   * Copyright (c) Squirrel Chat et al., All rights reserved.
   * SPDX-License-Identifier: BSD-3-Clause
   *
   * Redistribution and use in source and binary forms, with or without
   * modification, are permitted provided that the following conditions are met:
   *
   * 1. Redistributions of source code must retain the above copyright notice, this
   *    list of conditions and the following disclaimer.
   * 2. Redistributions in binary form must reproduce the above copyright notice,
   *    this list of conditions and the following disclaimer in the
   *    documentation and/or other materials provided with the distribution.
   * 3. Neither the name of the copyright holder nor the names of its contributors
   *    may be used to endorse or promote products derived from this software without
   *    specific prior written permission.
   *
   * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
   * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
   * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
   * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
   * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
   * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
   * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
   * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
   * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
   * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
   *)
*/
